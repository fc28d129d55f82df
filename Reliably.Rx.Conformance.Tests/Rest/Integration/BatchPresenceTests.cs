using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Integration;

/// <summary>
/// uts/rest/integration/batch_presence.md (RSC24, BGR2, BGF2) against the emulator, once per protocol: members entered
/// through a realtime client, read with <c>batchPresence</c>.
/// </summary>
[TestFixture]
[Category("uts/rest/integration/batch_presence.md")]
public sealed class BatchPresenceTests : RestSandbox
{
    private const string OneRecordPerResult = "BatchPresenceSuccessResult and BatchPresenceFailureResult are one record, BatchPresenceResult, whose Success (no Error) tells them apart.";

    /// <summary>A connected realtime client with the full-access key.</summary>
    private async Task<AblyRealtime> ConnectedAsync(string protocol)
    {
        var realtime = Realtime(o => o with { UseBinaryProtocol = protocol == "msgpack" });
        realtime.Connection.Connect();
        await realtime.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        return realtime;
    }

    private static async Task EnterAsync(AblyRealtime realtime, string channelName, params (string ClientId, string Data)[] members)
    {
        var channel = realtime.Channels.Get(channelName);
        await channel.AttachAsync().WaitAsync(Wait);
        foreach (var (clientId, data) in members)
        {
            await channel.Presence.EnterClientAsync(clientId, data).WaitAsync(Wait);
        }
    }

    // UTS: rest/integration/RSC24/batch-presence-multiple-channels-0
    [TestCaseSource(nameof(ProtocolVariants))]
    [Adapted(OneRecordPerResult)]
    public async Task RSC24_BGR2_MembersAcrossMultipleChannels(string protocol)
    {
        var (channelA, channelB) = (UniqueChannel("batch-a"), UniqueChannel("batch-b"));
        var realtime = await ConnectedAsync(protocol);
        await EnterAsync(realtime, channelA, ("user-1", "data-a1"), ("user-2", "data-a2"));
        await EnterAsync(realtime, channelB, ("user-3", "data-b1"));

        var result = await Await(Rest(binary: protocol == "msgpack").BatchPresenceAsync([channelA, channelB]));

        Assert.That((result.SuccessCount, result.FailureCount, result.Results.Count), Is.EqualTo((2, 0, 2)));
        var a = result.Results.Single(r => r.Channel == channelA);
        var b = result.Results.Single(r => r.Channel == channelB);
        Assert.That(a.Success, Is.True);
        Assert.That(a.Presence.Select(m => m.ClientId), Is.EquivalentTo(new[] { "user-1", "user-2" }));
        Assert.That(a.Presence.Single(m => m.ClientId == "user-1").Data, Is.EqualTo("data-a1"));
        Assert.That(b.Success, Is.True);
        Assert.That(b.Presence, Has.Count.EqualTo(1));
        Assert.That(b.Presence[0].ClientId, Is.EqualTo("user-3"));
        Assert.That(b.Presence[0].Data, Is.EqualTo("data-b1"));
    }

    // UTS: rest/integration/RSC24/restricted-key-channel-failure-1
    [TestCaseSource(nameof(ProtocolVariants))]
    [Adapted(OneRecordPerResult)]
    [Ignore("UTS spec error: the case closes the realtime client before the query, and a cleanly closed connection's members leave at once " +
        "(as the same file's empty-channel-presence-2 note says), so the allowed channel has no member-1 to return; the per-channel failure it checks " +
        "needs the client kept open, as the file's other cases do.")]
    public async Task RSC24_BGF2_RestrictedKeyGetsPerChannelFailure(string protocol)
    {
        // keys[2] grants "channel6":["*"] and nothing on the denied channel.
        const string allowed = "channel6";
        var denied = UniqueChannel("denied-batch");
        var realtime = await ConnectedAsync(protocol);
        await EnterAsync(realtime, allowed, ("member-1", "hello"));
        await EnterAsync(realtime, denied, ("member-2", "world"));
        await realtime.Connection.CloseAsync().WaitAsync(Wait);

        var result = await Await(Rest(o => o with { Key = KeyOf(2) }, binary: protocol == "msgpack").BatchPresenceAsync([allowed, denied]));

        Assert.That((result.SuccessCount, result.FailureCount, result.Results.Count), Is.EqualTo((1, 1, 2)));
        var success = result.Results.Single(r => r.Channel == allowed);
        var failure = result.Results.Single(r => r.Channel == denied);
        Assert.That(success.Success, Is.True);
        Assert.That(success.Presence.Select(m => m.ClientId), Is.EqualTo(new[] { "member-1" }));
        Assert.That(failure.Success, Is.False);
        Assert.That(failure.Error!.Code, Is.EqualTo(40160));
        Assert.That(failure.Error.StatusCode, Is.EqualTo(401));
    }

    // UTS: rest/integration/RSC24/empty-channel-presence-2
    [TestCaseSource(nameof(ProtocolVariants))]
    [Adapted(OneRecordPerResult)]
    public async Task RSC24_EmptyChannelReturnsEmptyPresence(string protocol)
    {
        var (empty, populated) = (UniqueChannel("batch-empty"), UniqueChannel("batch-populated"));
        var realtime = await ConnectedAsync(protocol);
        await EnterAsync(realtime, populated, ("someone", "here"));

        var result = await Await(Rest(binary: protocol == "msgpack").BatchPresenceAsync([empty, populated]));

        Assert.That((result.SuccessCount, result.FailureCount, result.Results.Count), Is.EqualTo((2, 0, 2)));
        var emptyResult = result.Results.Single(r => r.Channel == empty);
        var populatedResult = result.Results.Single(r => r.Channel == populated);
        Assert.That(emptyResult.Success, Is.True);
        Assert.That(emptyResult.Presence, Is.Empty);
        Assert.That(populatedResult.Success, Is.True);
        Assert.That(populatedResult.Presence.Select(m => m.ClientId), Is.EqualTo(new[] { "someone" }));
    }
}
