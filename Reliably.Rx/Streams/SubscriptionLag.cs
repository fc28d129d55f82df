namespace Reliably.Rx;

/// <summary>How far one subscription is behind its channel.</summary>
/// <param name="Queued">Items delivered by the channel and not yet taken by the subscriber.</param>
/// <param name="OldestAge">How long the oldest of them has waited, on the client's clock; zero when nothing waits.</param>
public readonly record struct SubscriptionLag(int Queued, TimeSpan OldestAge)
{
    /// <summary>No lag.</summary>
    public static SubscriptionLag None => default;
}
