namespace Reliably.Rx;

/// <summary>What a bounded subscription (<see cref="DeliveryOptions.Capacity"/>) does when it is full.</summary>
public enum OverflowPolicy
{
    /// <summary>
    /// The subscription ends: its observer gets <c>OnError</c> with an <see cref="AblyException"/> (80020) saying how
    /// far behind it was, and it receives nothing more. Nothing is ever skipped silently.
    /// </summary>
    Fail,

    /// <summary>
    /// The oldest queued items are dropped to make room. The subscriber learns where: a
    /// <see cref="DiscontinuityKind.SlowConsumer"/> discontinuity in its place in the order (on
    /// <see cref="RealtimeChannel.Events"/> subscriptions), and a <see cref="SlowConsumerState.Dropped"/> event on
    /// <see cref="DeliverySubscription.SlowConsumer"/>, both naming the last message delivered before the gap so the gap
    /// can be read back from history. With <see cref="ChannelOptions.AutoBackfill"/> the subscription reads it back
    /// itself: the discontinuity says <see cref="ChannelDiscontinuity.Backfilling"/>, and the dropped messages follow it
    /// from history, before the ones still queued.
    /// </summary>
    DropOldest,
}
