using Reliably.Rx.Channels;
using Reliably.Rx.Realtime;
using Reliably.Rx.Streams;

namespace Reliably.Rx;

/// <summary>Discontinuity detection and automatic, gapless backfill from history (<see cref="ChannelOptions.AutoBackfill"/>).</summary>
public sealed partial class RealtimeChannel
{
    /// <summary>How many history pages a backfill may read before it gives up (at 1000 messages a page).</summary>
    internal const int MaxBackfillPages = 50;

    private const int RecentCapacity = 20_000;

    // Loop-only.
    private readonly RecentKeys _recent = new(RecentCapacity);
    private bool _continuity;
    private string? _continuitySince;
    private string? _lastDeliveredId;
    private string? _lastDeliveredSerial;
    private BackfillRun? _backfill;
    private long _backfilled;

    /// <summary>Replaces the history fetch of a backfill (a test seam); null reads history over REST.</summary>
    internal Func<BackfillRequest, Task<BackfillResult>>? BackfillSource { get; set; }

    /// <summary>How many missed messages backfill has delivered so far (diagnostics and tests).</summary>
    internal long BackfilledMessages => Interlocked.Read(ref _backfilled);

    /// <summary>Live messages not delivered because one with the same id or serial was delivered recently (with AutoBackfill).</summary>
    internal long SuppressedDuplicates => _recent.Suppressed;

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
    public IDeliveryStream<ChannelDiscontinuity> Discontinuities { get; }

    /// <summary>Delivers one live message, or holds it while a backfill runs. Loop only.</summary>
    private void Deliver(Message message)
    {
        if (_backfill is { } run)
        {
            run.Held.Add(message);
            return;
        }

        if (Options.AutoBackfill && _recent.Contains(message))
        {
            // Already delivered: the same id is the same message (RSL1k). A server that lost its idempotency memory (a
            // restart, in the emulator) accepts a publisher's resend after a failed resume (RTN19a2) a second time.
            _recent.CountSuppressed();
            return;
        }

        // The keys only serve de-duplication with backfill: track them only when a backfill can start.
        DeliverNow(message, track: Options.AutoBackfill);
    }

    private void DeliverNow(Message message, bool track)
    {
        _lastDeliveredId = message.Id ?? _lastDeliveredId;
        _lastDeliveredSerial = message.Serial ?? _lastDeliveredSerial;
        if (track)
        {
            _recent.Add(message);
        }

        _feed.Message(message);
        ReliablyRxDiagnostics.MessagesReceived.Add(1, _tag);
    }

    /// <summary>A fresh attachment (not a re-attach after a discontinuity) begins continuity at its attachSerial (RTL15c).</summary>
    private void BeginContinuity() => _continuitySince = _attachSerial;

    private void OnDiscontinuity(DiscontinuityKind kind, ErrorInfo? reason)
    {
        // Without a delivered message, the attachSerial continuity began at bounds the gap (RTL10b), so a subscriber that
        // has received nothing yet is repaired too rather than left with an unrecoverable gap.
        var anchored = _lastDeliveredId is not null || _lastDeliveredSerial is not null || _continuitySince is not null;
        var backfill = Options.AutoBackfill && anchored;
        Report(new ChannelDiscontinuity(kind, reason, _attachSerial, _lastDeliveredSerial, _lastDeliveredId, backfill));
        if (backfill)
        {
            StartBackfill();
        }
    }

    private void Report(ChannelDiscontinuity discontinuity)
    {
        ChannelLog.Discontinuity(_logger, Name, discontinuity.Kind, discontinuity.Reason?.Code);
        ReliablyRxDiagnostics.Discontinuities.Add(1, _tag);
        _feed.Discontinuity(discontinuity);
    }

    /// <summary>
    /// Holds live delivery and fetches history backwards from the new attachSerial until the last delivered message.
    /// A second discontinuity while one runs restarts the fetch from the newer attachSerial and keeps what is held.
    /// </summary>
    private void StartBackfill()
    {
        var run = _backfill ??= new BackfillRun();
        var generation = ++run.Generation;
        run.HeldBeforeLatest = run.Held.Count;
        var delivered = _lastDeliveredId is not null || _lastDeliveredSerial is not null;
        var request = new BackfillRequest(_attachSerial, _lastDeliveredId, _lastDeliveredSerial, FloorSerial: delivered ? null : _continuitySince);
        var fetch = BackfillSource?.Invoke(request) ?? new BackfillFetch(FetchHistoryAsync, request).RunAsync();
        _loop.WhenDone(fetch, task => OnBackfillFetched(run, generation, task));
    }

    private void OnBackfillFetched(BackfillRun run, int generation, Task<BackfillResult> task)
    {
        if (!ReferenceEquals(_backfill, run) || run.Generation != generation)
        {
            // Superseded by a newer discontinuity, or flushed because the attachment ended.
            return;
        }

        Flush(BackfillResult.Of(task, "Backfill"));
    }

    /// <summary>Missed messages (oldest first, de-duplicated), then the held live ones, then live delivery resumes.</summary>
    private void Flush(BackfillResult result)
    {
        var run = _backfill;
        _backfill = null;
        var recovered = 0;

        // What this flush delivers, whatever its size: the recent keys are bounded, and a gap that history could not
        // anchor (after a server restart) can hold more messages than they keep, the held live ones among them.
        var flushed = new RecentKeys(2 * result.Missed.Count + 2);

        // The last delivered message, changed during the gap: its new version comes first, as history places it.
        if (result.Anchor is { } anchor && _recent.HasOlderVersionOf(anchor))
        {
            DeliverNow(anchor, track: true);
            flushed.Add(anchor);
            recovered++;
        }

        foreach (var message in result.Missed)
        {
            flushed.Add(message);
        }

        var heldMessages = run?.Held ?? new List<Message>();
        var earlier = run?.HeldBeforeLatest ?? 0;

        // Held before the latest discontinuity and not in the history read since: history lost them (a server restart
        // while the backfill ran), and they precede everything it returned. Otherwise history holds them and delivers
        // them in its order.
        var held = DeliverHeld(run, 0, earlier, flushed);
        foreach (var message in result.Missed)
        {
            if (!_recent.Contains(message))
            {
                DeliverNow(message, track: true);
                recovered++;
            }
        }

        held += DeliverHeld(run, earlier, heldMessages.Count, flushed);
        DeliverHeldAnnotations(run, int.MaxValue);

        Interlocked.Add(ref _backfilled, recovered);
        ChannelLog.BackfillDone(_logger, Name, recovered, held, result.Reached);
        if (!result.Reached)
        {
            var reason = result.Error ?? new ErrorInfo(ErrorCodes.UnableToRecoverChannel, 404,
                "History did not reach back to the last delivered message; messages may have been lost.");
            Report(new ChannelDiscontinuity(DiscontinuityKind.BackfillIncomplete, reason, _attachSerial, _lastDeliveredSerial, _lastDeliveredId));
        }
    }

    /// <summary>
    /// Delivers the held messages <paramref name="from"/> to <paramref name="to"/> that neither history
    /// (<paramref name="fetched"/>) nor an earlier delivery has, each after the annotations that arrived before it.
    /// </summary>
    private int DeliverHeld(BackfillRun? run, int from, int to, RecentKeys fetched)
    {
        var count = 0;
        for (var i = from; run is not null && i < to; i++)
        {
            DeliverHeldAnnotations(run, i);
            var message = run.Held[i];
            if (!_recent.Contains(message) && !fetched.Contains(message))
            {
                DeliverNow(message, track: true);
                count++;
            }
        }

        return count;
    }

    /// <summary>An annotation waits with the live messages a backfill holds, after those that came before it (RTAN4b).</summary>
    private void DeliverAnnotation(Annotation annotation)
    {
        if (_backfill is { } run)
        {
            run.HeldAnnotations.Add((run.Held.Count, annotation));
            return;
        }

        _feed.Annotation(annotation);
    }

    /// <summary>Delivers, in arrival order, the held annotations that arrived while fewer than <paramref name="before"/> messages were held.</summary>
    private void DeliverHeldAnnotations(BackfillRun? run, int before)
    {
        while (run is not null && run.NextAnnotation < run.HeldAnnotations.Count && run.HeldAnnotations[run.NextAnnotation].HeldBefore <= before)
        {
            _feed.Annotation(run.HeldAnnotations[run.NextAnnotation++].Annotation);
        }
    }

    /// <summary>
    /// Reads the messages of one bounded subscription's gap (<see cref="OverflowPolicy.DropOldest"/>) from history, when
    /// <see cref="ChannelOptions.AutoBackfill"/> is on; null when it is off. Runs on the subscription's delivery thread
    /// and touches no channel state.
    /// </summary>
    private Task<BackfillResult>? RepairGap(BackfillRequest request) =>
        Options.AutoBackfill ? BackfillSource?.Invoke(request) ?? new BackfillFetch(FetchHistoryAsync, request).RunAsync() : null;

    /// <summary>Entering DETACHED or FAILED ends a backfill: what is held is delivered, the gap stays reported.</summary>
    private void OnStateEntered(ChannelState state)
    {
        if (_backfill is not null && state is ChannelState.Detached or ChannelState.Failed)
        {
            Flush(new BackfillResult(Array.Empty<Message>(), Reached: false,
                new ErrorInfo(ErrorCodes.ChannelOperationFailed, 400, $"Backfill abandoned: the channel became {state}.")));
        }
    }

    /// <summary>A backfill in progress: live messages held until the history arrives. Loop-only.</summary>
    private sealed class BackfillRun
    {
        public List<Message> Held { get; } = new();

        public int Generation { get; set; }

        /// <summary>How many of <see cref="Held"/> arrived before the latest discontinuity (the current fetch's).</summary>
        public int HeldBeforeLatest { get; set; }

        /// <summary>Annotations that arrived during the backfill, each with the number of messages held before it.</summary>
        public List<(int HeldBefore, Annotation Annotation)> HeldAnnotations { get; } = new();

        /// <summary>The first of <see cref="HeldAnnotations"/> not delivered yet.</summary>
        public int NextAnnotation { get; set; }
    }
}
