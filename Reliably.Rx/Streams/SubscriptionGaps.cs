using Reliably.Rx.Channels;

namespace Reliably.Rx.Streams;

/// <summary>
/// One subscription's view of its gaps: the last message it was given (the anchor a gap is reported against), and the
/// repair of a gap from history (<see cref="ChannelOptions.AutoBackfill"/> with <see cref="OverflowPolicy.DropOldest"/>).
/// Used by the subscription's single drainer only, apart from <see cref="Finished"/>, which hands over the fetched result.
/// </summary>
internal sealed class SubscriptionGaps<T>(DeliveryTraits<T>? traits)
{
    // Keys of the messages a repair delivered: the first queued messages may be the same ones when history had no bound
    // to stop at. Cleared at the first queued message that is not among them.
    private HashSet<string>? _recovered;
    private Task<BackfillResult>? _finished;

    public DeliveryTraits<T>? Traits => traits;

    /// <summary>The last message delivered to the subscriber, if any.</summary>
    public Message? Anchor { get; private set; }

    public void Delivered(T item)
    {
        if (traits?.MessageOf(item) is { } message)
        {
            Anchor = message;
        }
    }

    /// <summary>The first message among <paramref name="queued"/> (oldest first), if any: where a repair's history read stops.</summary>
    public Message? FirstMessage(IEnumerable<T> queued) =>
        traits is null ? null : queued.Select(traits.MessageOf).FirstOrDefault(m => m is not null);

    /// <summary>
    /// Starts the repair of a gap, or returns null: no anchor to read back to, or gaps are not repaired. History is read
    /// up to <paramref name="bound"/>, the first message still queued, which the queue delivers itself.
    /// </summary>
    public Task<BackfillResult>? StartRepair(Message? bound)
    {
        if (Anchor is not { } anchor || traits is null)
        {
            return null;
        }

        return traits.StartRepair(BackfillRequest.Between(anchor, bound));
    }

    /// <summary>
    /// The in-band report of <paramref name="dropped"/> items dropped from a subscription of <paramref name="capacity"/>
    /// (<see cref="DiscontinuityKind.SlowConsumer"/>), naming the last message delivered before them; null when the
    /// stream cannot carry one.
    /// </summary>
    public T? GapItem(long dropped, int? capacity, bool repairing)
    {
        if (traits?.GapItem is not { } gapItem)
        {
            return default;
        }

        var reason = new ErrorInfo(ErrorCodes.DeliveryRateExceeded, 400,
            $"{dropped} items were dropped because the subscriber fell {capacity} items behind (OverflowPolicy.DropOldest).")
        {
            Href = ErrorInfo.HrefFor(ErrorCodes.DeliveryRateExceeded),
        };
        return gapItem(new ChannelDiscontinuity(DiscontinuityKind.SlowConsumer, reason, null, Anchor?.Serial, Anchor?.Id, Backfilling: repairing));
    }

    /// <summary>
    /// The items of a finished repair, in history order: the messages <paramref name="filter"/> takes, then, when history
    /// did not reach back to the anchor, a <see cref="DiscontinuityKind.BackfillIncomplete"/> report if the stream can
    /// carry one.
    /// </summary>
    public IEnumerable<T> Repaired(BackfillResult result, Func<T, bool>? filter)
    {
        var count = 0;
        foreach (var message in result.Missed)
        {
            Recovered(message);
            var item = traits!.ItemOf(message);
            if (filter is null || filter(item))
            {
                count++;
                yield return item;
            }
        }

        ReliablyRxDiagnostics.SubscriberRepaired.Add(count);
        if (!result.Reached && traits!.GapItem is { } gapItem)
        {
            var reason = result.Error ?? new ErrorInfo(ErrorCodes.UnableToRecoverChannel, 404,
                "History did not reach back to the last message delivered before the gap; the dropped messages may be lost.");
            yield return gapItem(new ChannelDiscontinuity(DiscontinuityKind.BackfillIncomplete, reason, null, Anchor?.Serial, Anchor?.Id));
        }
    }

    /// <summary>The repair's outcome, from whichever thread completed it.</summary>
    public void Finished(Task<BackfillResult> fetch) => Volatile.Write(ref _finished, fetch);

    /// <summary>The outcome of a finished repair, once; null when none is waiting.</summary>
    public BackfillResult? TakeFinished()
    {
        // Read first: the exchange (a full fence) only when a repair has finished, not at every drain.
        var fetch = Volatile.Read(ref _finished) is null ? null : Interlocked.Exchange(ref _finished, null);
        return fetch is null ? null : BackfillResult.Of(fetch, "Gap repair");
    }

    /// <summary>Remembers a message the repair delivered, so that its queued twin is not delivered again.</summary>
    private void Recovered(Message message)
    {
        if (KeyOf(message) is { } key)
        {
            (_recovered ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
        }
    }

    /// <summary>True for a queued message that a repair has already delivered.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool IsRepeat(T item) => _recovered is not null && IsRecovered(item);

    private bool IsRecovered(T item)
    {
        if (_recovered is null || traits?.MessageOf(item) is not { } message)
        {
            return false;
        }

        if (KeyOf(message) is { } key && _recovered.Contains(key))
        {
            return true;
        }

        _recovered = null;
        return false;
    }

    private static string? KeyOf(Message message) => message.Id ?? message.Serial;
}
