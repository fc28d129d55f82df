using System.Reactive;
using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;
using Reliably.Rx.Streams;
using Reliably.Rx.Tests.Realtime;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Channels;

/// <summary>
/// A channel's components wired as the channel wires them, without the channel: a connected virtual-time loop with a
/// fake transport, a feed recorded in order, and a host whose options and release a test sets.
/// </summary>
internal sealed class ChannelComponentsRig : IChannelHost, IAsyncDisposable
{
    public ChannelComponentsRig(bool connect = true, string? recoveredSerial = null)
    {
        H = new RealtimeHarness();
        if (connect)
        {
            Transport = H.ConnectNow(details: ChannelHarness.QuietDetails);
        }

        Feed = new ChannelFeed(H.Loop, new ChannelStateChange(ChannelState.Initialized, ChannelState.Initialized, ChannelEvent.Initialized), _ => null);
        Position = new ChannelPosition(recoveredSerial);
        Backfiller = new ChannelBackfiller(H.Loop, Feed, Position, "chat", NullLogger.Instance, new("channel", "chat"), (_, _) => throw new AssertionException("no history here"));
        Tracker = new ChannelStateTracker("chat", NullLogger.Instance, Feed, Position, Backfiller);
        Attachment = new ChannelAttachment(H.Loop, "chat", this, Tracker, Position, Backfiller);
        Feed.Subscribe(Observer.Create<ChannelNotification>(Seen.Add), FeedKinds.All, null, DeliveryOptions.Default);
        H.Pump();
        Seen.Clear();
    }

    public RealtimeHarness H { get; }

    public FakeTransport Transport { get; } = null!;

    public ChannelFeed Feed { get; }

    public ChannelPosition Position { get; }

    public ChannelBackfiller Backfiller { get; }

    public ChannelStateTracker Tracker { get; }

    public ChannelAttachment Attachment { get; }

    /// <summary>Everything the feed delivered since the rig was built, in order.</summary>
    public List<ChannelNotification> Seen { get; } = new();

    public ChannelOptions Options { get; set; } = new();

    public bool IsReleased { get; set; }

    public IEnumerable<ChannelStateChange> Changes => Seen.OfType<StateChangeNotification>().Select(n => n.Change);

    public IEnumerable<ChannelState> Entered => Changes.Where(c => c.Event != ChannelEvent.Update).Select(c => c.Current);

    public IEnumerable<ProtocolMessage> Sent(ProtocolAction action) => Transport.SentOf(action).Where(m => m.Channel == "chat");

    public static TaskCompletionSource<bool> Waiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static ProtocolMessage Attached(string serial = "a-1", ProtocolFlags flags = ProtocolFlags.None) =>
        new(ProtocolAction.Attached, "chat") { ChannelSerial = serial, Flags = flags == ProtocolFlags.None ? null : flags };

    public static ProtocolMessage Detached(ErrorInfo? error = null) => new(ProtocolAction.Detached, "chat") { Error = error };

    /// <summary>Runs <paramref name="action"/> on the loop and lets what it started run.</summary>
    public void OnLoop(Action action)
    {
        H.Loop.Execute(action);
        H.Pump();
    }

    public void Advance(TimeSpan by) => H.Advance(by);

    /// <summary>Attached through the machine: BeginAttach, then the server's ATTACHED.</summary>
    public void AttachNow(string serial = "a-1")
    {
        OnLoop(() => Attachment.BeginAttach(null));
        OnLoop(() => Attachment.OnAttached(Attached(serial)));
        Assert.That(Tracker.Published, Is.EqualTo(ChannelState.Attached), "precondition: attached");
    }

    public async ValueTask DisposeAsync() => await H.DisposeAsync();
}
