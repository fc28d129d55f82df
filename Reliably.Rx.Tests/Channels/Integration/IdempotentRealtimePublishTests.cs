using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// Client-assigned ids on realtime publishes: a message the server published but never acknowledged before the
/// connection was lost is resent after a failed resume with a new msgSerial (RTN19a); its id lets the server drop the
/// second copy, so subscribers receive it once.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class IdempotentRealtimePublishTests : RealtimeEmulatorFixture
{
    [TestCaseSource(nameof(Formats))]
    public async Task RTN19a_UnacknowledgedPublish_ResentAfterAFailedResume_IsDeliveredOnce(string format)
    {
        var name = UniqueChannel("idem");
        var (collector, subscription) = await SubscribeAsync((await ConnectedClient(format)).Channels.Get(name));
        using var _ = subscription;
        var publisher = await ConnectedClient(format);
        var outbound = publisher.Channels.Get(name);

        // The server publishes the message but holds its ACK; then it forgets the publisher's connection.
        Emulator.Faults.DelayAcks(TimeSpan.FromSeconds(20));
        var oldId = publisher.Connection.Id!;
        var failedResume = publisher.Connection.StateChanges
            .FirstAsync(c => c.Current == ConnectionState.Connected && c.Reason?.Code == ErrorCodes.UnableToRecoverConnection)
            .ToTask();
        var publish = outbound.PublishAsync("once", "exactly once");
        await collector.WaitForCountAsync(1, Wait);
        Emulator.Faults.DelayAcks(TimeSpan.Zero);
        Assert.That(Emulator.Faults.ForgetConnection(oldId, dropTransport: true), Is.True);
        await failedResume.WaitAsync(Wait);

        // The resend on the new connection is acknowledged; the server recognised its id and did not publish it again.
        await publish.WaitAsync(Wait);
        await outbound.PublishAsync("marker", "after").WaitAsync(Wait);
        await collector.WaitForCountAsync(2, Wait);

        Assert.That(publisher.Connection.Id, Is.Not.EqualTo(oldId), "the resume failed: a new connection");
        Assert.That(collector.Messages.Select(m => m.Name), Is.EqualTo(new[] { "once", "marker" }), "the resent message is not delivered twice");
    }

    [Test]
    public async Task Ids_are_assigned_per_publish_call_and_caller_ids_are_kept()
    {
        var name = UniqueChannel("ids");
        var client = await ConnectedClient("json");
        var channel = client.Channels.Get(name);
        var collector = new MessageCollector();
        using var subscription = channel.Messages().Subscribe(collector);
        await channel.WaitForStateAsync(ChannelState.Attached, Wait);

        await channel.PublishAsync(new[] { new Message("a", "1"), new Message("b", "2"), new Message("c", "3") { Id = "mine:7" } }).WaitAsync(Wait);
        await collector.WaitForCountAsync(3, Wait);

        var ids = collector.Messages.Select(m => m.Id!).ToArray();
        var baseId = ids[0][..ids[0].LastIndexOf(':')];
        Assert.That(ids[0], Is.EqualTo(baseId + ":0"));
        Assert.That(ids[1], Is.EqualTo(baseId + ":1"));
        Assert.That(ids[2], Is.EqualTo("mine:7"));
        Assert.That(baseId, Does.Not.StartWith(client.Connection.Id!), "a client-assigned id, not the server's connectionId:serial:index");
    }

    [Test]
    public async Task Without_IdempotentRealtimePublishing_the_server_assigns_ids()
    {
        var name = UniqueChannel("noids");
        var client = await ConnectedClient("msgpack", o => o with { IdempotentRealtimePublishing = false });
        var channel = client.Channels.Get(name);
        var collector = new MessageCollector();
        using var subscription = channel.Messages().Subscribe(collector);
        await channel.WaitForStateAsync(ChannelState.Attached, Wait);

        await channel.PublishAsync("a", "1").WaitAsync(Wait);
        await collector.WaitForCountAsync(1, Wait);

        Assert.That(collector.Messages[0].Id, Does.StartWith(client.Connection.Id + ":"));
    }
}
