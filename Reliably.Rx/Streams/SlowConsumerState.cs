namespace Reliably.Rx;

/// <summary>The kinds of <see cref="SlowConsumerEvent"/>.</summary>
public enum SlowConsumerState
{
    /// <summary>The queue reached <see cref="DeliveryOptions.SlowConsumerThreshold"/>.</summary>
    Slow,

    /// <summary>The queue is back to half of the threshold or less after <see cref="Slow"/>.</summary>
    Recovered,

    /// <summary>A full bounded subscription with <see cref="OverflowPolicy.DropOldest"/> dropped items.</summary>
    Dropped,

    /// <summary>A full bounded subscription with <see cref="OverflowPolicy.Fail"/> was ended.</summary>
    Failed,
}
