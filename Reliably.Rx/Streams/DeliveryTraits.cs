namespace Reliably.Rx.Streams;

/// <summary>
/// What a queue needs to know about its items to report a gap: which message an item carries (the anchor of a gap is
/// the last message delivered before it), and how to say "gap" in the stream itself, when the stream can.
/// </summary>
internal sealed class DeliveryTraits<T>(Func<T, Message?> messageOf, Func<ChannelDiscontinuity, T>? gapItem)
{
    public Message? MessageOf(T item) => messageOf(item);

    /// <summary>The in-band item for a gap, or null when the stream's type cannot carry one (it is reported on the handle only).</summary>
    public Func<ChannelDiscontinuity, T>? GapItem => gapItem;
}
