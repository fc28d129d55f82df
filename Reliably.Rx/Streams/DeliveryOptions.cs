namespace Reliably.Rx;

/// <summary>
/// How one subscription of a channel stream is buffered (<see cref="IDeliveryStream{T}.Subscribe(IObserver{T}, DeliveryOptions)"/>).
/// The default is lossless and unbounded: every item is kept until the subscriber takes it.
/// </summary>
public sealed record DeliveryOptions
{
    /// <summary>Unbounded, lossless, slow-consumer signal at 10 000 queued items, lag sampled every second.</summary>
    public static DeliveryOptions Default { get; } = new();

    /// <summary>
    /// The most items the subscription may hold before <see cref="Overflow"/> applies; null (the default) for no limit.
    /// Must be at least 1.
    /// </summary>
    public int? Capacity { get; init; }

    /// <summary>What happens when a bounded subscription is full; see <see cref="OverflowPolicy"/>. Default <see cref="OverflowPolicy.Fail"/>.</summary>
    public OverflowPolicy Overflow { get; init; } = OverflowPolicy.Fail;

    /// <summary>
    /// The number of queued items at which the subscription reports itself as a slow consumer
    /// (<see cref="DeliverySubscription.SlowConsumer"/>); it reports recovery when the queue is back to half of it.
    /// Default 10 000; must be at least 1.
    /// </summary>
    public int SlowConsumerThreshold { get; init; } = 10_000;

    /// <summary>How often <see cref="DeliverySubscription.LagChanges"/> samples the lag, on the client's scheduler. Default 1 s.</summary>
    public TimeSpan LagSampleInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The subscriber pulls: its queue delivers only what it asked for (<see cref="DeliverySubscription.Request"/>), so
    /// items it has not taken stay in the queue, where <see cref="Capacity"/> applies. Set by the async readers.
    /// </summary>
    internal bool Pull { get; init; }

    internal void Validate()
    {
        if (Capacity is < 1 || SlowConsumerThreshold < 1 || LagSampleInterval <= TimeSpan.Zero || !Enum.IsDefined(Overflow))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400,
                "Invalid delivery options: Capacity and SlowConsumerThreshold must be at least 1, LagSampleInterval positive, Overflow a defined policy.");
        }
    }

    /// <summary>The error that ends a full subscription under <see cref="OverflowPolicy.Fail"/> (80020).</summary>
    internal AblyException OverflowFailure()
    {
        var error = new ErrorInfo(ErrorCodes.DeliveryRateExceeded, 400,
            $"The subscriber fell {Capacity} items behind, its capacity, so the subscription was ended (OverflowPolicy.Fail); nothing was skipped.")
        {
            Href = ErrorInfo.HrefFor(ErrorCodes.DeliveryRateExceeded),
        };
        return new AblyException(error);
    }
}
