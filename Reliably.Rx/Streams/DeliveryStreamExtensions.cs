using System.Reactive;

namespace Reliably.Rx;

/// <summary>Subscribing to a channel stream (<see cref="IDeliveryStream{T}"/>) with delivery options and delegates.</summary>
public static class DeliveryStreamExtensions
{
    /// <summary>
    /// Subscribes with <paramref name="options"/> (capacity, overflow policy, slow-consumer threshold) and returns the
    /// subscription's handle (lag, slow-consumer events). Give <paramref name="onError"/> whenever the options are
    /// bounded: <see cref="OverflowPolicy.Fail"/> ends the subscription with an error.
    /// </summary>
    /// <exception cref="AblyException">40003 for a null stream, options or <paramref name="onNext"/>, or invalid options.</exception>
    public static DeliverySubscription Subscribe<T>(
        this IDeliveryStream<T> stream,
        DeliveryOptions options,
        Action<T> onNext,
        Action<Exception>? onError = null,
        Action? onCompleted = null)
    {
        if (stream is null || onNext is null)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The stream and onNext must not be null.");
        }

        return stream.Subscribe(Observer.Create(onNext, onError ?? (_ => { }), onCompleted ?? (() => { })), options);
    }
}
