using Reliably.Rx.Protocol;
using Reliably.Rx.Tests.Realtime;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Channels;

/// <summary>
/// A connected realtime client in virtual time (<see cref="RealtimeHarness"/>) with one channel and a recording of its
/// state changes, discontinuities, messages and errors (all delivered on the TestScheduler).
/// </summary>
internal sealed class ChannelHarness : IAsyncDisposable
{
    public ChannelHarness(string name = "chat", ChannelOptions? options = null, Func<ClientOptions, ClientOptions>? configure = null, bool connect = true)
    {
        H = new RealtimeHarness(configure);
        if (connect)
        {
            // maxIdleInterval 0: no idle timer (RTN23a), so long virtual-time runs need no heartbeats.
            Transport = H.ConnectNow(details: QuietDetails);
        }

        Channel = H.Client.Channels.Get(name, options);
        Channel.StateChanges.Subscribe(Changes.Add);
        Channel.Discontinuities.Subscribe(Discontinuities.Add);
        Channel.SubscriberErrors.Subscribe(Errors.Add);
        H.Pump();
    }

    public static ConnectionDetails QuietDetails { get; } = new()
    {
        ConnectionStateTtl = TimeSpan.FromSeconds(120),
        MaxIdleInterval = TimeSpan.Zero,
        MaxMessageSize = 65536,
    };

    public RealtimeHarness H { get; }

    public FakeTransport Transport { get; set; } = null!;

    public RealtimeChannel Channel { get; }

    public string Name => Channel.Name;

    public List<ChannelStateChange> Changes { get; } = new();

    public List<ChannelDiscontinuity> Discontinuities { get; } = new();

    public List<Exception> Errors { get; } = new();

    public List<Message> Received { get; } = new();

    /// <summary>States entered (excluding the initial snapshot and UPDATEs).</summary>
    public IEnumerable<ChannelState> Entered => Changes.Skip(1).Where(c => c.Event != ChannelEvent.Update).Select(c => c.Current);

    public IEnumerable<ProtocolMessage> Sent(ProtocolAction action) => Transport.SentOf(action).Where(m => m.Channel == Name);

    public void Pump(int hops = 3) => H.Pump(hops);

    public void Advance(TimeSpan by) => H.Advance(by);

    /// <summary>Subscribes a recorder to the channel's messages (which attaches implicitly by default).</summary>
    public IDisposable Subscribe() => Channel.Messages().Subscribe(Received.Add);

    public ChannelHarness Receive(ProtocolMessage message)
    {
        Transport.Receive(message);
        Pump();
        return this;
    }

    /// <summary>Attaches: AttachAsync, ATTACHED from the "server".</summary>
    public Task AttachNow(string serial = "serial-0", ProtocolFlags flags = ProtocolFlags.None)
    {
        var task = Channel.AttachAsync();
        Pump();
        Receive(Attached(serial, flags));
        Assert.That(Channel.State, Is.EqualTo(ChannelState.Attached), "precondition: attached");
        return task;
    }

    public ProtocolMessage Attached(string? serial = "serial-0", ProtocolFlags flags = ProtocolFlags.None, ErrorInfo? error = null) =>
        new(ProtocolAction.Attached, Name) { ChannelSerial = serial, Flags = flags, Error = error };

    public ProtocolMessage Detached(ErrorInfo? error = null) => new(ProtocolAction.Detached, Name) { Error = error };

    public ProtocolMessage MessageFrame(string id, string? channelSerial, params Message[] messages) =>
        new(ProtocolAction.Message, Name) { Id = id, ChannelSerial = channelSerial, ConnectionId = "pub-conn", Timestamp = 1_700_000_000_000, Messages = messages };

    public async ValueTask DisposeAsync() => await H.DisposeAsync();
}
