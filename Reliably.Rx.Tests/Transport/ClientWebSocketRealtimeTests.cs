using Reliably.Rx.Tests.Channels.Integration;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// Realtime clients with <see cref="ClientOptions.RealtimeTransport"/> = <see cref="RealtimeTransportKind.ClientWebSocket"/>
/// against the embedded emulator, in JSON (text frames) and msgpack (binary frames): connect, attach, publish and
/// receive, including a message whose frame is over the first receive buffer, and a transport drop that the connection
/// resumes (RTN15c6) without losing or repeating a message.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class ClientWebSocketRealtimeTests : RealtimeEmulatorFixture
{
    private static ClientOptions Plain(ClientOptions options) => options with { RealtimeTransport = RealtimeTransportKind.ClientWebSocket };

    [TestCaseSource(nameof(Formats))]
    public async Task Connects_attaches_publishes_and_receives(string format)
    {
        var publisher = await ConnectedClient(format, Plain);
        var subscriber = await ConnectedClient(format, Plain);
        var name = UniqueChannel("cws");
        var (collector, subscription) = await SubscribeAsync(subscriber.Channels.Get(name));
        using var owned = subscription;

        await PublishSequenceAsync(publisher.Channels.Get(name), 0, 500);
        await publisher.Channels.Get(name).PublishAsync("500", new string('x', 60_000)).WaitAsync(Wait);
        await PublishSequenceAsync(publisher.Channels.Get(name), 501, 10);
        await collector.WaitForCountAsync(511, Wait);

        Assert.That(collector.Indexes(), Is.EqualTo(Enumerable.Range(0, 511)));
        Assert.That(collector.Messages[500].Data, Is.EqualTo(new string('x', 60_000)));
        Assert.That(collector.Messages[0].Data, Is.EqualTo("payload-0"));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTN15c6_a_dropped_transport_is_resumed_and_no_message_is_lost_or_repeated(string format)
    {
        var publisher = await ConnectedClient(format);
        var subscriber = await ConnectedClient(format, Plain);
        var name = UniqueChannel("cws-resume");
        var (collector, subscription) = await SubscribeAsync(subscriber.Channels.Get(name));
        using var owned = subscription;
        var channel = publisher.Channels.Get(name);
        await PublishSequenceAsync(channel, 0, 200);
        await collector.WaitForCountAsync(200, Wait);

        var id = subscriber.Connection.Id!;
        var disconnected = subscriber.Connection.WaitForStateAsync(ConnectionState.Disconnected, Wait);
        Assert.That(Emulator.Faults.DropConnection(id), Is.True);
        await disconnected;
        await PublishSequenceAsync(channel, 200, 200);
        await subscriber.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        await collector.WaitForCountAsync(400, Wait);

        Assert.That(subscriber.Connection.Id, Is.EqualTo(id), "RTN15c6: resumed, same connectionId");
        Assert.That(collector.Indexes(), Is.EqualTo(Enumerable.Range(0, 400)));
    }
}
