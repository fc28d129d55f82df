using Microsoft.Reactive.Testing;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// A realtime client on a <see cref="TestScheduler"/> with a <see cref="FakeTransportFactory"/>, a scripted auth provider
/// and jitter pinned to 1.0: everything runs in virtual time on the test thread.
/// </summary>
internal sealed class RealtimeHarness : IAsyncDisposable
{
    public RealtimeHarness(Func<ClientOptions, ClientOptions>? configure = null, FakeAuthProvider? auth = null)
    {
        var options = new ClientOptions
        {
            Key = "appId.keyId:secret",
            AutoConnect = false,

            // A literal host: no fallback hosts unless a test asks for them (RTN17).
            Endpoint = "localhost",
            Scheduler = Scheduler,
        };
        Options = configure?.Invoke(options) ?? options;
        Auth = auth ?? new FakeAuthProvider();
        Client = new AblyRealtime(Options, Transports, Auth, new PinnedRandom(), _ =>
        {
            ConnectivityChecks++;
            return Connectivity();
        });
        Sink = new RecordingChannelSink(Scheduler);
        Loop.Channels.Register(Sink);
    }

    public TestScheduler Scheduler { get; } = new();

    /// <summary>The connectivity check's answer (RTN17j): "up" at once by default, so the check costs no scheduler step.</summary>
    public Func<Task<bool>> Connectivity { get; set; } = () => Task.FromResult(true);

    /// <summary>How many connectivity checks the client made.</summary>
    public int ConnectivityChecks { get; private set; }

    public FakeTransportFactory Transports { get; } = new();

    public FakeAuthProvider Auth { get; }

    public ClientOptions Options { get; }

    public AblyRealtime Client { get; }

    public Connection Connection => Client.Connection;

    public ConnectionLoop Loop => Client.Connection.Loop;

    public RecordingChannelSink Sink { get; }

    public FakeTransport Transport => Transports.Last;

    public TimeSpan Now => TimeSpan.FromTicks(Scheduler.Clock);

    /// <summary>Runs what is due now: marshalled commands and transport events (each hop costs one tick).</summary>
    public void Pump(int hops = 3)
    {
        for (var i = 0; i < hops; i++)
        {
            Scheduler.AdvanceBy(1);
        }
    }

    public void Advance(TimeSpan by) => Scheduler.AdvanceBy(by.Ticks);

    /// <summary>Connects and answers with CONNECTED.</summary>
    public FakeTransport ConnectNow(string connectionId = "conn-1", string connectionKey = "key-1", ConnectionDetails? details = null)
    {
        Connection.Connect();
        Pump();
        var transport = Transport;
        transport.Connected(connectionId, connectionKey, details);
        Pump();
        Assert.That(Connection.State, Is.EqualTo(ConnectionState.Connected), "precondition: connected");
        return transport;
    }

    public Task<PublishResult> Publish(string name = "greeting", object? data = null) =>
        Loop.SendAsync(new ProtocolMessage(ProtocolAction.Message, "chat") { Messages = [new Message(name, data ?? "hello")] });

    public async ValueTask DisposeAsync() => await Client.DisposeAsync();

    /// <summary>Jitter pinned to 1.0 (NextDouble = 0) and a deterministic shuffle.</summary>
    internal sealed class PinnedRandom : Random
    {
        public override double NextDouble() => 0.0;

        public override int Next(int maxValue) => 0;

        public override int Next(int minValue, int maxValue) => minValue;

        public override long NextInt64() => 0x1234_5678_9abc_def0;
    }
}
