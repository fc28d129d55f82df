namespace Reliably.Rx;

/// <summary>
/// A hot channel stream whose subscriptions have their own buffer, lag and slow-consumer signal. Subscribing with
/// <see cref="IObservable{T}.Subscribe"/> uses <see cref="DeliveryOptions.Default"/> (lossless, unbounded) and returns a
/// <see cref="DeliverySubscription"/> typed as <see cref="IDisposable"/>.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
public interface IDeliveryStream<out T> : IObservable<T>
{
    /// <summary>Subscribes with <paramref name="options"/> and returns the subscription's handle.</summary>
    /// <exception cref="AblyException">40003 for a null observer or invalid options.</exception>
    DeliverySubscription Subscribe(IObserver<T> observer, DeliveryOptions options);
}
