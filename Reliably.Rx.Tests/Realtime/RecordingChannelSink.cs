using Microsoft.Reactive.Testing;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// A channel-seam sink that records, on the loop and with the exact virtual time, every frame and connection state
/// change it receives: the precise clock for timer assertions, and a test of the channel seam itself.
/// </summary>
internal sealed class RecordingChannelSink : IChannelSink
{
    private readonly TestScheduler _scheduler;

    public RecordingChannelSink(TestScheduler scheduler, string name = "recorder")
    {
        _scheduler = scheduler;
        Name = name;
    }

    public string Name { get; }

    public string? ChannelSerial { get; set; }

    public List<(long Ticks, ProtocolMessage Frame)> Frames { get; } = new();

    public List<(long Ticks, ConnectionStateChange Change, bool Resumed)> Changes { get; } = new();

    public Action<ConnectionStateChange>? OnChange { get; set; }

    public void OnFrame(ProtocolMessage message) => Frames.Add((_scheduler.Clock, message));

    public void OnConnectionStateChanged(ConnectionStateChange change, bool resumed)
    {
        Changes.Add((_scheduler.Clock, change, resumed));
        OnChange?.Invoke(change);
    }

    /// <summary>Virtual times at which the connection entered <paramref name="state"/>.</summary>
    public List<TimeSpan> TimesOf(ConnectionState state) =>
        Changes.Where(c => c.Change.Current == state && c.Change.Event != ConnectionEvent.Update).Select(c => TimeSpan.FromTicks(c.Ticks)).ToList();

    public List<ConnectionStateChange> ChangesTo(ConnectionState state) =>
        Changes.Where(c => c.Change.Current == state && c.Change.Event != ConnectionEvent.Update).Select(c => c.Change).ToList();

    public IEnumerable<ConnectionState> States => Changes.Select(c => c.Change.Current);
}
