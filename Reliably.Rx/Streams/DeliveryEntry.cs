namespace Reliably.Rx.Streams;

/// <summary>
/// An item queued for one subscriber and when it was published (for the lag); the end of the stream has no time. Two
/// fields, so a queue slot is 16 bytes.
/// </summary>
internal readonly record struct DeliveryEntry<T>(T Value, long Ticks)
{
    public static DeliveryEntry<T> Completion => new(default!, long.MinValue);

    public bool IsCompletion => Ticks == long.MinValue;
}
