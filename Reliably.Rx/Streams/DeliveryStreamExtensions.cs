using System.Reactive;
using System.Runtime.CompilerServices;
using Reliably.Rx.Streams;

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

    /// <summary>
    /// The stream as an async enumerable that pulls: the subscription's queue hands over an item only when the reader
    /// is ready for it, so the items the reader has not reached wait in that queue, where <paramref name="options"/>
    /// apply: unbounded and lossless by default; with a <see cref="DeliveryOptions.Capacity"/>,
    /// <see cref="OverflowPolicy.Fail"/> ends the enumeration with the subscription's 80020 error after the items
    /// already handed over, and <see cref="OverflowPolicy.DropOldest"/> drops the oldest waiting items and reports the
    /// gap as for any subscription (on a channel, a slow-consumer discontinuity that
    /// <see cref="ChannelOptions.AutoBackfill"/> repairs). Subscribes when enumeration starts and unsubscribes when it
    /// stops; ends when the stream completes, or with <see cref="OperationCanceledException"/> when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <exception cref="AblyException">40003 for a null stream or options, or invalid options (when enumeration starts).</exception>
    public static IAsyncEnumerable<T> ReadAllAsync<T>(this IDeliveryStream<T> stream, DeliveryOptions options, CancellationToken cancellationToken = default)
    {
        if (stream is null || options is null)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The stream and the delivery options must not be null.");
        }

        return Read(stream, options, cancellationToken);

        static async IAsyncEnumerable<T> Read(IDeliveryStream<T> stream, DeliveryOptions options, [EnumeratorCancellation] CancellationToken token)
        {
            // Bounded: one item at a time, so everything not yet read counts against the capacity. Unbounded: a window,
            // so a fast reader is not paced by one hand-over per item.
            var reader = new DeliveryReader<T>(options.Capacity is null ? 128 : 1);
            using var subscription = stream.Subscribe(reader, options with { Pull = true });
            reader.Attach(subscription);
            while (await reader.WaitAsync(token).ConfigureAwait(false))
            {
                while (reader.TryTake(out var item))
                {
                    yield return item;
                }
            }
        }
    }
}
