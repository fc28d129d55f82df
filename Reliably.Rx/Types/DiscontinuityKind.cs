namespace Reliably.Rx;

/// <summary>Why a channel's message stream lost (or may have lost) continuity.</summary>
public enum DiscontinuityKind
{
    /// <summary>
    /// The channel re-attached without the RESUMED flag: after a failed connection resume, a SUSPENDED channel or
    /// connection, or a server DETACHED whose re-attach could not be resumed (RTL2f, RTL4c1, RTL13).
    /// </summary>
    AttachNotResumed,

    /// <summary>An extra ATTACHED without RESUMED arrived while attached: an UPDATE (RTL12).</summary>
    Update,

    /// <summary>
    /// Automatic backfill could not close the gap: history did not reach back to the last delivered message, or the
    /// history request failed. What could be recovered was delivered.
    /// </summary>
    BackfillIncomplete,

    /// <summary>
    /// One subscription fell behind its capacity and dropped its oldest items (<see cref="OverflowPolicy.DropOldest"/>):
    /// reported to that subscription only, in its place in the order, naming the last message delivered before the gap.
    /// With <see cref="ChannelOptions.AutoBackfill"/> the dropped messages are read back from history and follow it.
    /// </summary>
    SlowConsumer,
}
