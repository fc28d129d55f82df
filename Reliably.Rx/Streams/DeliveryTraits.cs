using Reliably.Rx.Channels;

namespace Reliably.Rx.Streams;

/// <summary>
/// What a queue needs to know about its items to report a gap: which message an item carries (the anchor of a gap is
/// the last message delivered before it), how to say "gap" in the stream itself, when the stream can, and how to fill a
/// gap from history, when the channel does that (<see cref="ChannelOptions.AutoBackfill"/>).
/// </summary>
internal sealed class DeliveryTraits<T>(
    Func<T, Message?> messageOf,
    Func<ChannelDiscontinuity, T>? gapItem,
    Func<BackfillRequest, Task<BackfillResult>?>? repair = null,
    Func<Message, T>? itemOf = null)
{
    public Message? MessageOf(T item) => messageOf(item);

    /// <summary>The in-band item for a gap, or null when the stream's type cannot carry one (it is reported on the handle only).</summary>
    public Func<ChannelDiscontinuity, T>? GapItem => gapItem;

    /// <summary>
    /// Starts reading the messages of a gap from history, or returns null when gaps are not repaired (the channel's
    /// options can change, so this is asked at each gap).
    /// </summary>
    public Task<BackfillResult>? StartRepair(BackfillRequest request) => itemOf is null ? null : repair?.Invoke(request);

    /// <summary>The stream's item for a message read back from history.</summary>
    public T ItemOf(Message message) => itemOf!(message);
}
