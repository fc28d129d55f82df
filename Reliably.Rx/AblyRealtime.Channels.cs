using System.Reactive.Concurrency;

namespace Reliably.Rx;

/// <summary>The realtime client's channels (RTC3, RTS).</summary>
public sealed partial class AblyRealtime
{
    private RealtimeChannels? _channels;

    /// <summary>The channels of this client (RTC3): get, enumerate and release realtime channels.</summary>
    public RealtimeChannels Channels => LazyInitializer.EnsureInitialized(ref _channels, () => new RealtimeChannels(this));

    /// <summary>True once <see cref="DisposeAsync"/> has started.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Where channel streams deliver: see <see cref="ClientOptions.DeliveryScheduler"/>.</summary>
    internal IScheduler DeliveryScheduler => Loop.DeliveryScheduler;

    /// <summary>Completes every channel's streams once the loop is closed.</summary>
    private void DisposeChannels() => Volatile.Read(ref _channels)?.DisposeAll();
}
