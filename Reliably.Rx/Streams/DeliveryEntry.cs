namespace Reliably.Rx.Streams;

/// <summary>
/// An item queued for one subscriber and when it was published (for the lag); the end of the stream has no time. Two
/// fields, so a queue slot is 16 bytes.
/// </summary>
internal readonly record struct DeliveryEntry<T>(T Value, long Ticks)
{
    /// <summary>The time of the completion entry, which has none.</summary>
    public const long CompletionTicks = long.MinValue;

    public static DeliveryEntry<T> Completion => new(default!, CompletionTicks);

    public bool IsCompletion => Ticks == CompletionTicks;
}
