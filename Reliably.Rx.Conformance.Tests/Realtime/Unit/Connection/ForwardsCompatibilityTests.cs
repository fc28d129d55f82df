using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/forwards_compatibility_test.md (RTF1, RSF1): unknown attributes and enum values.</summary>
[TestFixture]
[Category("uts/realtime/unit/connection/forwards_compatibility_test.md")]
public sealed class ForwardsCompatibilityTests
{
    private static async Task<(TestScheduler Scheduler, ScriptedAbly Server, AblyRealtime Client)> Connected()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("connection-id", "connection-key"));
        var client = server.CreateRealtime(o => o with { AutoConnect = false, UseBinaryProtocol = false });
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        await Task.CompletedTask;
        return (scheduler, server, client);
    }

    private static RealtimeChannel Attach(TestScheduler scheduler, ScriptedAbly server, AblyRealtime client, string name, List<Message> received, out IDisposable subscription)
    {
        var channel = client.Channels.Get(name);
        subscription = channel.Messages().Subscribe(received.Add);
        _ = channel.AttachAsync();
        server.LastConnection!.Send(ProtocolFrame.Attached(name));
        scheduler.AwaitState(channel, ChannelState.Attached);
        return channel;
    }

    // UTS: realtime/unit/RTF1/unrecognised-attributes-ignored-0
    [Test]
    public async Task RTF1_ProtocolMessageWithUnrecognisedAttributesIsProcessed()
    {
        var (scheduler, server, client) = await Connected();
        await using var _ = client;
        var name = "test-RTF1-extra-attrs-" + Guid.NewGuid().ToString("N");
        var received = new List<Message>();
        var channel = Attach(scheduler, server, client, name, received, out var subscription);
        using var __ = subscription;

        server.LastConnection!.Send(ProtocolFrame.Parse($$"""
            {"action":15,"channel":"{{name}}","messages":[{"name":"test-event","data":"hello","serial":"msg-serial-1"}],
             "unknownField1":"some-future-value","unknownField2":42,"unknownNestedObject":{"nestedKey":"nestedValue"},"unknownArray":[1,2,3]}
            """));
        Assert.That(scheduler.AdvanceUntil(() => received.Count >= 1, TimeSpan.FromSeconds(5)), Is.True);

        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(received[0].Name, Is.EqualTo("test-event"));
        Assert.That(received[0].Data, Is.EqualTo("hello"));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
    }

    // UTS: realtime/unit/RTF1/unknown-action-handled-1
    [Test]
    public async Task RTF1_UnknownActionIsHandledGracefully()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("connection-id", "connection-key"));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false, UseBinaryProtocol = false });
        using var changes = new ConnectionRecorder(client.Connection);
        var name = "test-RTF1-unknown-action-" + Guid.NewGuid().ToString("N");

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        server.LastConnection!.Send(ProtocolFrame.Parse($$"""{"action":254,"channel":"{{name}}","unknownPayload":"future-feature-data"}"""));
        server.LastConnection.Send(ProtocolFrame.Heartbeat());
        scheduler.AdvanceTime(1000);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        UtsAssert.ContainsInOrder(changes.States, ConnectionState.Connecting, ConnectionState.Connected);
        Assert.That(changes.States, Does.Not.Contain(ConnectionState.Disconnected));
        Assert.That(changes.States, Does.Not.Contain(ConnectionState.Failed));
    }

    // UTS: realtime/unit/RSF1/message-unrecognised-attrs-0
    [Test]
    public async Task RSF1_MessageWithUnrecognisedAttributesIsDelivered()
    {
        var (scheduler, server, client) = await Connected();
        await using var _ = client;
        var name = "test-RSF1-extra-attrs-" + Guid.NewGuid().ToString("N");
        var received = new List<Message>();
        var channel = Attach(scheduler, server, client, name, received, out var subscription);
        using var __ = subscription;

        server.LastConnection!.Send(ProtocolFrame.Parse($$$"""
            {"action":15,"channel":"{{{name}}}","messages":[
              {"name":"event-1","data":"payload-1","serial":"serial-1","futureField":"future-value","futureNumber":99,"futureObject":{"nested":true}},
              {"name":"event-2","data":"payload-2","serial":"serial-2","anotherUnknownField":[1,2,3]}]}
            """));
        Assert.That(scheduler.AdvanceUntil(() => received.Count >= 2, TimeSpan.FromSeconds(5)), Is.True);

        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(received[0].Name, Is.EqualTo("event-1"));
        Assert.That(received[0].Data, Is.EqualTo("payload-1"));
        Assert.That(received[1].Name, Is.EqualTo("event-2"));
        Assert.That(received[1].Data, Is.EqualTo("payload-2"));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
    }
}
