using Reliably.Rx.Channels;
using Reliably.Rx.Streams;

namespace Reliably.Rx;

/// <summary>Discontinuities and automatic, gapless backfill from history (<see cref="ChannelOptions.AutoBackfill"/>); the work is <see cref="ChannelBackfiller"/>'s.</summary>
public sealed partial class RealtimeChannel
{
    private readonly ChannelBackfiller _backfiller;

    /// <summary>Replaces the history fetch of a backfill (a test seam); null reads history over REST.</summary>
    internal Func<BackfillRequest, Task<BackfillResult>>? BackfillSource
    {
        get => _backfiller.Source;
        set => _backfiller.Source = value;
    }

    /// <summary>How many missed messages backfill has delivered so far (diagnostics and tests).</summary>
    internal long BackfilledMessages => _backfiller.Backfilled;

    /// <summary>Live messages not delivered because one with the same id or serial was delivered recently (with AutoBackfill).</summary>
    internal long SuppressedDuplicates => _backfiller.SuppressedDuplicates;

    /// <summary>Every loss of continuity on this channel's message stream.</summary>
    /// <remarks>
    /// <para>Fires when the channel re-attaches without the RESUMED flag after having been attached (a failed
    /// connection resume, a SUSPENDED channel or connection, a server DETACHED that could not be resumed), on an UPDATE
    /// without RESUMED (RTL12), and, with <see cref="ChannelOptions.AutoBackfill"/>, when the backfill could not close
    /// the gap (<see cref="DiscontinuityKind.BackfillIncomplete"/>). An explicit detach ends continuity tracking; the
    /// next attach is a fresh start. Each event is counted in <c>reliably_rx.channel.discontinuities</c>.</para>
    /// <para>Hot; nothing is replayed to a new subscriber. The discontinuities of <see cref="Events"/>: in that
    /// sequence each one comes after the last message delivered before the gap and before the first after it. Buffered
    /// and delivered as <see cref="Messages()"/>. Completes when the channel is released or the client is
    /// disposed.</para>
    /// </remarks>
    public IDeliveryStream<ChannelDiscontinuity> Discontinuities => _streams.Discontinuities;

    /// <summary>
    /// Reads the messages of one bounded subscription's gap (<see cref="OverflowPolicy.DropOldest"/>) from history, when
    /// <see cref="ChannelOptions.AutoBackfill"/> is on; null when it is off. Runs on the subscription's delivery thread
    /// and touches no channel state.
    /// </summary>
    private Task<BackfillResult>? RepairGap(BackfillRequest request) => Options.AutoBackfill ? _backfiller.Fetch(request) : null;
}
