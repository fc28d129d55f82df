namespace Reliably.Rx;

/// <summary>A change in how a subscription keeps up (<see cref="DeliverySubscription.SlowConsumer"/>).</summary>
/// <param name="State">What happened.</param>
/// <param name="Lag">The subscription's lag when it happened.</param>
/// <param name="Dropped">For <see cref="SlowConsumerState.Dropped"/>: the items dropped in this gap so far; otherwise the total dropped.</param>
/// <param name="LastDeliveredId">For <see cref="SlowConsumerState.Dropped"/>: the id of the last message delivered before the gap.</param>
/// <param name="LastDeliveredSerial">For <see cref="SlowConsumerState.Dropped"/>: the serial of the last message delivered before the gap.</param>
public sealed record SlowConsumerEvent(
    SlowConsumerState State,
    SubscriptionLag Lag,
    long Dropped = 0,
    string? LastDeliveredId = null,
    string? LastDeliveredSerial = null);
