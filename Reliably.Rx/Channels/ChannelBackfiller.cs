using Microsoft.Extensions.Logging;
using Reliably.Rx.Buffers;
using Reliably.Rx.Realtime;
using Reliably.Rx.Streams;

namespace Reliably.Rx.Channels;

/// <summary>
/// A channel's continuity and its repair (RTL15c, <see cref="ChannelOptions.AutoBackfill"/>): what was delivered last,
/// the discontinuities it reports, and the backfill that holds live delivery while it reads the gap from history, then
/// delivers the missed messages, de-duplicated, before the held ones. Owned and driven by the channel on the loop.
/// </summary>
internal sealed class ChannelBackfiller
{
    /// <summary>How many history pages a backfill may read before it gives up (at 1000 messages a page).</summary>
    internal const int MaxBackfillPages = 50;

    private const int RecentCapacity = 20_000;

    private readonly ConnectionLoop _loop;
    private readonly ChannelFeed _feed;
    private readonly ChannelPosition _position;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly Func<IReadOnlyList<KeyValuePair<string, string>>, CancellationToken, Task<PaginatedResult<Message>>> _history;

    // Loop-only.
    private readonly RecentKeys _recent = new(RecentCapacity);
    private string? _continuitySince;
    private BackfillRun? _run;
    private long _backfilled;

    // Loop-only, written with every delivered message: kept as characters, so the backfiller holds no reference to a
    // message's young strings (with thousands of channels, such references made every gen-0 collection scan them).
    private TextCopy _lastDeliveredId;
    private TextCopy _lastDeliveredSerial;

    /// <param name="loop">The loop a fetched backfill returns to.</param>
    /// <param name="feed">Where messages, annotations and discontinuities are delivered.</param>
    /// <param name="position">The attach point a backfill reads back from (RTL15c).</param>
    /// <param name="name">The channel's name, for the log.</param>
    /// <param name="logger">The channel's logger.</param>
    /// <param name="tag">The channel's metrics tag.</param>
    /// <param name="history">Reads one history page with raw query parameters.</param>
    public ChannelBackfiller(
        ConnectionLoop loop,
        ChannelFeed feed,
        ChannelPosition position,
        string name,
        ILogger logger,
        KeyValuePair<string, object?> tag,
        Func<IReadOnlyList<KeyValuePair<string, string>>, CancellationToken, Task<PaginatedResult<Message>>> history)
    {
        _loop = loop;
        _feed = feed;
        _position = position;
        _name = name;
        _logger = logger;
        _tag = tag;
        _history = history;
    }

    /// <summary>Replaces the history fetch of a backfill (a test seam); null reads history.</summary>
    public Func<BackfillRequest, Task<BackfillResult>>? Source { get; set; }

    /// <summary>
    /// True while the channel's message stream is continuous: from the first ATTACHED until an explicit detach or the
    /// connection's close. A non-resumed ATTACHED while it holds is a discontinuity. Loop only.
    /// </summary>
    public bool Continuity { get; set; }

    /// <summary>How many missed messages backfill has delivered so far.</summary>
    public long Backfilled => Interlocked.Read(ref _backfilled);

    /// <summary>Live messages not delivered because one with the same id or serial was delivered recently.</summary>
    public long SuppressedDuplicates => _recent.Suppressed;

    /// <summary>Delivers one live message, or holds it while a backfill runs. Loop only.</summary>
    public void Deliver(Message message, bool autoBackfill)
    {
        if (_run is { } run)
        {
            run.Held.Add(message);
            return;
        }

        if (autoBackfill && _recent.Contains(message))
        {
            // Already delivered: the same id is the same message (RSL1k). A server that lost its idempotency memory (a
            // restart, in the emulator) accepts a publisher's resend after a failed resume (RTN19a2) a second time.
            _recent.CountSuppressed();
            return;
        }

        // The keys only serve de-duplication with backfill: track them only when a backfill can start.
        DeliverNow(message, track: autoBackfill);
    }

    /// <summary>An annotation waits with the live messages a backfill holds, after those that came before it (RTAN4b).</summary>
    public void Deliver(Annotation annotation)
    {
        if (_run is { } run)
        {
            run.HeldAnnotations.Add((run.Held.Count, annotation));
            return;
        }

        _feed.Annotation(annotation);
    }

    /// <summary>A fresh attachment (not a re-attach after a discontinuity) begins continuity at its attachSerial (RTL15c).</summary>
    public void BeginContinuity() => _continuitySince = _position.AttachSerial;

    /// <summary>Reports a loss of continuity and, with <paramref name="autoBackfill"/>, starts repairing it. Loop only.</summary>
    public void OnDiscontinuity(DiscontinuityKind kind, ErrorInfo? reason, bool autoBackfill)
    {
        // Without a delivered message, the attachSerial continuity began at bounds the gap (RTL10b), so a subscriber that
        // has received nothing yet is repaired too rather than left with an unrecoverable gap.
        var anchored = _lastDeliveredId.HasValue || _lastDeliveredSerial.HasValue || _continuitySince is not null;
        var backfill = autoBackfill && anchored;
        Report(new ChannelDiscontinuity(kind, reason, _position.AttachSerial, _lastDeliveredSerial.Read(), _lastDeliveredId.Read(), backfill));
        if (backfill)
        {
            Start();
        }
    }

    /// <summary>
    /// Reads the messages of one bounded subscription's gap from history (<see cref="OverflowPolicy.DropOldest"/>). Runs
    /// on the subscription's delivery thread and touches no channel state.
    /// </summary>
    public Task<BackfillResult> Fetch(BackfillRequest request) =>
        Source?.Invoke(request) ?? new BackfillFetch(_history, request).RunAsync();

    /// <summary>Entering DETACHED or FAILED ends a backfill: what is held is delivered, the gap stays reported. Loop only.</summary>
    public void OnStateEntered(ChannelState state)
    {
        if (_run is not null && state is ChannelState.Detached or ChannelState.Failed)
        {
            Flush(new BackfillResult(Array.Empty<Message>(), Reached: false,
                new ErrorInfo(ErrorCodes.ChannelOperationFailed, 400, $"Backfill abandoned: the channel became {state}.")));
        }
    }

    private void DeliverNow(Message message, bool track)
    {
        if (message.Id is { } id)
        {
            _lastDeliveredId.Set(id);
        }

        if (message.Serial is { } serial)
        {
            _lastDeliveredSerial.Set(serial);
        }

        if (track)
        {
            _recent.Add(message);
        }

        _feed.Message(message);
        ReliablyRxDiagnostics.MessagesReceived.Add(1, _tag);
    }

    private void Report(ChannelDiscontinuity discontinuity)
    {
        ChannelLog.Discontinuity(_logger, _name, discontinuity.Kind, discontinuity.Reason?.Code);
        ReliablyRxDiagnostics.Discontinuities.Add(1, _tag);
        _feed.Discontinuity(discontinuity);
    }

    /// <summary>
    /// Holds live delivery and fetches history backwards from the new attachSerial until the last delivered message.
    /// A second discontinuity while one runs restarts the fetch from the newer attachSerial and keeps what is held.
    /// </summary>
    private void Start()
    {
        var run = _run ??= new BackfillRun();
        var generation = ++run.Generation;
        run.HeldBeforeLatest = run.Held.Count;
        var delivered = _lastDeliveredId.HasValue || _lastDeliveredSerial.HasValue;
        var request = new BackfillRequest(_position.AttachSerial, _lastDeliveredId.Read(), _lastDeliveredSerial.Read(), FloorSerial: delivered ? null : _continuitySince);
        _loop.WhenDone(Fetch(request), task => OnFetched(run, generation, task));
    }

    private void OnFetched(BackfillRun run, int generation, Task<BackfillResult> task)
    {
        if (!ReferenceEquals(_run, run) || run.Generation != generation)
        {
            // Superseded by a newer discontinuity, or flushed because the attachment ended.
            return;
        }

        Flush(BackfillResult.Of(task, "Backfill"));
    }

    /// <summary>Missed messages (oldest first, de-duplicated), then the held live ones, then live delivery resumes.</summary>
    private void Flush(BackfillResult result)
    {
        var run = _run;
        _run = null;
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

        var heldCount = run?.Held.Count ?? 0;
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

        held += DeliverHeld(run, earlier, heldCount, flushed);
        DeliverHeldAnnotations(run, int.MaxValue);

        Interlocked.Add(ref _backfilled, recovered);
        ChannelLog.BackfillDone(_logger, _name, recovered, held, result.Reached);
        if (!result.Reached)
        {
            var reason = result.Error ?? new ErrorInfo(ErrorCodes.UnableToRecoverChannel, 404,
                "History did not reach back to the last delivered message; messages may have been lost.");
            Report(new ChannelDiscontinuity(DiscontinuityKind.BackfillIncomplete, reason, _position.AttachSerial, _lastDeliveredSerial.Read(), _lastDeliveredId.Read()));
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

    /// <summary>Delivers, in arrival order, the held annotations that arrived while fewer than <paramref name="before"/> messages were held.</summary>
    private void DeliverHeldAnnotations(BackfillRun? run, int before)
    {
        while (run is not null && run.NextAnnotation < run.HeldAnnotations.Count && run.HeldAnnotations[run.NextAnnotation].HeldBefore <= before)
        {
            _feed.Annotation(run.HeldAnnotations[run.NextAnnotation++].Annotation);
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
