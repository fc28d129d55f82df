using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Realtime.Components;

/// <summary>
/// What the loop's components are built from, without the loop's state machine: a loop on a <see cref="TestScheduler"/>
/// (the clock and the owner of their timers) that never connects, and a <see cref="ConnectionTransport"/> over a fake
/// frame transport whose sent frames the test reads.
/// </summary>
internal sealed class ComponentRig
{
    public ComponentRig(Func<ClientOptions, ClientOptions>? configure = null)
    {
        var options = new ClientOptions { Key = "appId.keyId:secret", AutoConnect = false, Endpoint = "localhost", Scheduler = Scheduler };
        Options = configure?.Invoke(options) ?? options;
        Loop = new ConnectionLoop(Options, new FakeAuthProvider(), Transports, new Reliably.Rx.Randomness.RandomSource(new RealtimeHarness.PinnedRandom()));
        Transport = new ConnectionTransport(Transports, NullLogger.Instance);
    }

    public TestScheduler Scheduler { get; } = new();

    public ClientOptions Options { get; }

    public FakeTransportFactory Transports { get; } = new();

    public ConnectionLoop Loop { get; }

    public ConnectionTransport Transport { get; }

    /// <summary>The fake behind the transport that <see cref="OpenTransport"/> opened last.</summary>
    public FakeTransport Fake => Transports.Last;

    /// <summary>Opens and starts a transport; <paramref name="connected"/> says whether the connection counts as CONNECTED.</summary>
    public FakeTransport OpenTransport(bool connected = true)
    {
        Transport.Open(new Uri("wss://localhost/"), binary: false, _ => { });
        Transport.Connect();
        Transport.Connected = connected;
        return Fake;
    }

    public void Advance(TimeSpan by) => Scheduler.AdvanceBy(by.Ticks);

    public static ProtocolMessage Publish(string name = "greeting") =>
        new(ProtocolAction.Message, "chat") { Messages = [new Message(name, "hello")] };

    public static PendingMessage Pending(ProtocolMessage? message = null)
    {
        message ??= Publish();
        return new PendingMessage(message, PendingMessage.IsAckable(message.Action)) { Size = 10 };
    }
}
