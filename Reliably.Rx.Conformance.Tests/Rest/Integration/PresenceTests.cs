using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Integration;

/// <summary>
/// uts/rest/integration/presence.md (RSP1, RSP3, RSP4, RSP5) against the emulator, once per protocol: the members
/// test-app-setup.json puts on <c>persisted:presence_fixtures</c>, and presence history made through a realtime client.
/// The specs poll history until the events are persisted; the emulator stores a presence event before it ACKs it, so one
/// read is the poll's last.
/// </summary>
[TestFixture]
[Category("uts/rest/integration/presence.md")]
public sealed class PresenceTests : RestSandbox
{
    private const string Fixtures = "persisted:presence_fixtures";

    private AblyRest RestFor(string protocol, Func<ClientOptions, ClientOptions>? configure = null) =>
        Rest(configure, binary: protocol == "msgpack");

    /// <summary>A realtime client with <paramref name="clientId"/> runs <paramref name="steps"/> on the channel's presence, then closes.</summary>
    private async Task WithRealtimePresenceAsync(string protocol, string clientId, string channelName, Func<RealtimePresence, Task> steps)
    {
        var realtime = Realtime(o => o with { ClientId = clientId, UseBinaryProtocol = protocol == "msgpack" });
        await steps(realtime.Channels.Get(channelName).Presence).WaitAsync(Wait);
        await realtime.Connection.CloseAsync().WaitAsync(Wait);
    }

    // UTS: rest/integration/RSP1/access-presence-from-channel-0
    [TestCaseSource(nameof(ProtocolVariants))]
    public void RSP1_AccessPresenceFromChannel(string protocol)
    {
        var presence = RestFor(protocol).Channels.Get(Fixtures).Presence;

        Assert.That(presence, Is.Not.Null);
        Assert.That(presence, Is.InstanceOf<RestPresence>());
    }

    // UTS: rest/integration/RSP3/get-presence-members-0
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP3_GetPresenceMembersFromFixtureChannel(string protocol)
    {
        var result = await Await(RestFor(protocol).Channels.Get(Fixtures).Presence.GetAsync());

        Assert.That(result, Is.InstanceOf<PaginatedResult<PresenceMessage>>());
        Assert.That(result.Items, Has.Count.GreaterThanOrEqualTo(5));
        var clientIds = result.Items.Select(m => m.ClientId).ToList();
        Assert.That(clientIds, Does.Contain("client_bool"));
        Assert.That(clientIds, Does.Contain("client_string"));
        Assert.That(clientIds, Does.Contain("client_json"));
    }

    // UTS: rest/integration/RSP3/presence-message-fields-1
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP3_GetReturnsPresenceMessageWithCorrectFields(string protocol)
    {
        var result = await Await(RestFor(protocol).Channels.Get(Fixtures).Presence.GetAsync());

        var member = result.Items.FirstOrDefault(m => m.ClientId == "client_string");
        Assert.That(member, Is.Not.Null);
        Assert.That(member, Is.InstanceOf<PresenceMessage>());
        Assert.That(member!.Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(member.ClientId, Is.EqualTo("client_string"));
        Assert.That(member.Data, Is.EqualTo("This is a string clientData payload"));
        Assert.That(member.ConnectionId, Is.Not.Null);
    }

    // UTS: rest/integration/RSP3a1/get-with-limit-0
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP3a1_GetWithLimitParameter(string protocol)
    {
        var result = await Await(RestFor(protocol).Channels.Get(Fixtures).Presence.GetAsync(limit: 2));

        Assert.That(result.Items, Has.Count.LessThanOrEqualTo(2));
        if (result.HasNext)
        {
            Assert.That(result.Items, Has.Count.EqualTo(2));
        }
    }

    // UTS: rest/integration/RSP3a2/get-with-clientid-filter-0
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP3a2_GetWithClientIdFilter(string protocol)
    {
        var result = await Await(RestFor(protocol).Channels.Get(Fixtures).Presence.GetAsync(clientId: "client_json"));

        Assert.That(result.Items, Has.Count.EqualTo(1));
        Assert.That(result.Items[0].ClientId, Is.EqualTo("client_json"));
        Assert.That(result.Items[0].Data, Is.InstanceOf<string>());
        Assert.That(result.Items[0].Data, Is.EqualTo("{ \"test\": \"This is a JSONObject clientData payload\"}"));
    }

    // UTS: rest/integration/RSP3/get-empty-channel-2
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP3_GetOnChannelWithNoPresence(string protocol)
    {
        var result = await Await(RestFor(protocol).Channels.Get(UniqueChannel("presence-empty")).Presence.GetAsync());

        Assert.That(result.Items, Is.Empty);
        Assert.That(result.HasNext, Is.False);
    }

    // UTS: rest/integration/RSP4/history-returns-events-0
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP4_HistoryReturnsPresenceEvents(string protocol)
    {
        var channelName = UniqueChannel("presence-history");
        await WithRealtimePresenceAsync(protocol, "test-client", channelName, async presence =>
        {
            await presence.EnterAsync("entered");
            await presence.UpdateAsync("updated");
            await presence.LeaveAsync("left");
        });

        var history = await Await(RestFor(protocol).Channels.Get(channelName).Presence.HistoryAsync());

        Assert.That(history.Items, Has.Count.GreaterThanOrEqualTo(3));
        var actions = history.Items.Select(m => m.Action).ToList();
        Assert.That(actions, Does.Contain(PresenceAction.Enter));
        Assert.That(actions, Does.Contain(PresenceAction.Update));
        Assert.That(actions, Does.Contain(PresenceAction.Leave));
    }

    // UTS: rest/integration/RSP4b1/history-time-range-0
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP4b1_HistoryWithStartEndTimeRange(string protocol)
    {
        var channelName = UniqueChannel("presence-history-time");
        var timeBefore = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await WithRealtimePresenceAsync(protocol, "time-test-client", channelName, async presence =>
        {
            await presence.EnterAsync("test");
            await presence.LeaveAsync();
        });
        var timeAfter = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var restChannel = RestFor(protocol, o => o with { ClientId = "test-client" }).Channels.Get(channelName);
        Assert.That((await Await(restChannel.Presence.HistoryAsync())).Items, Has.Count.GreaterThanOrEqualTo(2));

        var history = await Await(restChannel.Presence.HistoryAsync(new HistoryQuery { Start = timeBefore, End = timeAfter }));

        Assert.That(history.Items, Has.Count.GreaterThanOrEqualTo(2));
    }

    // UTS: rest/integration/RSP4b2/history-direction-forwards-0
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP4b2_HistoryDirectionForwards(string protocol)
    {
        var channelName = UniqueChannel("presence-direction");
        await WithRealtimePresenceAsync(protocol, "direction-client", channelName, async presence =>
        {
            await presence.EnterAsync("first");
            await presence.UpdateAsync("second");
            await presence.UpdateAsync("third");
        });
        var restChannel = RestFor(protocol).Channels.Get(channelName);
        Assert.That((await Await(restChannel.Presence.HistoryAsync())).Items, Has.Count.GreaterThanOrEqualTo(3));

        var forwards = await Await(restChannel.Presence.HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Forwards }));
        Assert.That(forwards.Items, Has.Count.GreaterThanOrEqualTo(3));
        Assert.That(forwards.Items[0].Data, Is.EqualTo("first"));

        var backwards = await Await(restChannel.Presence.HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Backwards }));
        Assert.That(backwards.Items[0].Data, Is.EqualTo("third"));
    }

    // UTS: rest/integration/RSP4b3/history-limit-pagination-0
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP4b3_HistoryWithLimitAndPagination(string protocol)
    {
        var channelName = UniqueChannel("presence-limit");
        await WithRealtimePresenceAsync(protocol, "limit-client", channelName, async presence =>
        {
            for (var i = 1; i <= 5; i++)
            {
                await presence.UpdateAsync("update-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        var restChannel = RestFor(protocol).Channels.Get(channelName);
        Assert.That((await Await(restChannel.Presence.HistoryAsync())).Items, Has.Count.GreaterThanOrEqualTo(5));

        var page1 = await Await(restChannel.Presence.HistoryAsync(new HistoryQuery { Limit = 2 }));
        Assert.That(page1.Items, Has.Count.EqualTo(2));
        Assert.That(page1.HasNext, Is.True);

        var page2 = await Await(page1.NextAsync());
        Assert.That(page2, Is.Not.Null);
        Assert.That(page2!.Items, Has.Count.GreaterThanOrEqualTo(1));
    }

    // UTS: rest/integration/RSP5/decode-string-data-0
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP5_StringDataDecodedCorrectly(string protocol)
    {
        var result = await Await(RestFor(protocol).Channels.Get(Fixtures).Presence.GetAsync(clientId: "client_string"));

        Assert.That(result.Items, Has.Count.EqualTo(1));
        Assert.That(result.Items[0].Data, Is.InstanceOf<string>());
        Assert.That(result.Items[0].Data, Is.EqualTo("This is a string clientData payload"));
    }

    // UTS: rest/integration/RSP5/decode-json-data-1
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP5_JsonDataDecodedToObject(string protocol)
    {
        var result = await Await(RestFor(protocol).Channels.Get(Fixtures).Presence.GetAsync(clientId: "client_decoded"));

        Assert.That(result.Items, Has.Count.EqualTo(1));
        Assert.That(result.Items[0].Data, Is.InstanceOf<JObject>());
        Assert.That(((JObject)result.Items[0].Data!)["example"]?["json"]?.Value<string>(), Is.EqualTo("Object"));
    }

    // UTS: rest/integration/RSP5/decode-encrypted-data-2
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP5_EncryptedDataDecodedWithCipher(string protocol)
    {
        // test-app-setup.json's cipher section: aes, cbc, 128-bit key.
        var cipher = CipherParams.FromBase64("WUP6u0K7MXI5Zeo0VppPwg==");
        Assert.That((cipher.Algorithm, cipher.Mode, cipher.KeyLength), Is.EqualTo(("aes", "cbc", 128)));
        var channel = RestFor(protocol).Channels.Get(Fixtures, new ChannelOptions { Cipher = cipher });

        var result = await Await(channel.Presence.GetAsync(clientId: "client_encoded"));

        Assert.That(result.Items, Has.Count.EqualTo(1));
        Assert.That(result.Items[0].Data, Is.Not.Null);
        // Beyond the spec's check: every step of json/utf-8/cipher+aes-128-cbc/base64 was undone, giving the fixture's
        // plaintext (the same object client_decoded carries).
        Assert.That(result.Items[0].Encoding, Is.Null);
        Assert.That(JToken.DeepEquals(result.Items[0].Data as JToken, JObject.Parse("{\"example\":{\"json\":\"Object\"}}")), Is.True);
    }

    // UTS: rest/integration/RSP5/decode-history-messages-3
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP5_HistoryMessagesAlsoDecoded(string protocol)
    {
        var channelName = UniqueChannel("presence-decode-history");
        var jsonData = new JObject { ["key"] = "value", ["number"] = 123 };
        await WithRealtimePresenceAsync(protocol, "decode-client", channelName, presence => presence.EnterAsync(jsonData));

        var history = await Await(RestFor(protocol).Channels.Get(channelName).Presence.HistoryAsync());

        Assert.That(history.Items, Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(history.Items[0].Data, Is.InstanceOf<JObject>());
        var data = (JObject)history.Items[0].Data!;
        Assert.That(data["key"]?.Value<string>(), Is.EqualTo("value"));
        Assert.That(data["number"]?.Value<long>(), Is.EqualTo(123));
    }

    // UTS: rest/integration/RSP3/full-pagination-3
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP3_FullPaginationThroughPresenceMembers(string protocol)
    {
        var page = await Await(RestFor(protocol).Channels.Get(Fixtures).Presence.GetAsync(limit: 2));
        var allMembers = new List<PresenceMessage>(page.Items);
        while (page.HasNext)
        {
            page = (await Await(page.NextAsync()))!;
            allMembers.AddRange(page.Items);
        }

        Assert.That(allMembers, Has.Count.GreaterThanOrEqualTo(5));
        var clientIds = allMembers.Select(m => m.ClientId).ToList();
        Assert.That(clientIds.Distinct().Count(), Is.EqualTo(clientIds.Count));
    }

    // UTS: rest/integration/RSP3/invalid-credentials-rejected-4
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP3_InvalidCredentialsRejected(string protocol)
    {
        var client = RestFor(protocol, o => o with { Key = "invalid.key:secret" });

        var error = await AwaitFailure(client.Channels.Get("test").Presence.GetAsync());

        Assert.That(error.StatusCode, Is.EqualTo(401));
        Assert.That(error.Code, Is.GreaterThanOrEqualTo(40100).And.LessThan(40200));
    }

    // UTS: rest/integration/RSP3/subscribe-capability-sufficient-5
    [TestCaseSource(nameof(ProtocolVariants))]
    public async Task RSP3_SubscribeCapabilityIsSufficientForGet(string protocol)
    {
        var client = RestFor(protocol, o => o with { Key = KeyOf(3) });

        var result = await Await(client.Channels.Get(Fixtures).Presence.GetAsync());

        Assert.That(result, Is.Not.Null);
    }
}
