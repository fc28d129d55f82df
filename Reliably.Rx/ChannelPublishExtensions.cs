using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace Reliably.Rx;

/// <summary>
/// Explicit batching of publishes. The library never merges separate publishes into one ProtocolMessage (RTL6i1); an
/// application that wants fewer, larger frames publishes arrays (RTL6i2), and these operators build the arrays from a
/// stream.
/// </summary>
public static class ChannelPublishExtensions
{
    /// <summary>
    /// Publishes the messages of <paramref name="messages"/> on <paramref name="channel"/> as array publishes (RTL6i2):
    /// each batch is one ProtocolMessage with one ACK, so it is accepted or rejected as a whole. A batch closes when it
    /// holds <paramref name="maxCount"/> messages or when <paramref name="maxDelay"/> has passed since the previous batch
    /// closed (Rx's <c>Buffer(timeSpan, count)</c>), so no message waits longer than <paramref name="maxDelay"/>; nothing
    /// is published for a quiet period.
    /// </summary>
    /// <param name="messages">The messages, in the order they are to be published.</param>
    /// <param name="channel">The channel to publish on.</param>
    /// <param name="maxCount">The most messages in one batch (1 or more).</param>
    /// <param name="maxDelay">How long the first message of a batch may wait for others (zero or more).</param>
    /// <param name="scheduler">The clock for <paramref name="maxDelay"/>; null uses the client's scheduler.</param>
    /// <returns>
    /// Cold: each subscription publishes its own batches. Emits each batch once the server has acknowledged it, in
    /// publish order (batches are published as soon as they close, without waiting for earlier ACKs). Fails with the
    /// <see cref="AblyException"/> of the first batch that is rejected (a NACK, 40009 for a batch larger than the
    /// connection's maxMessageSize, or the connection's error), after which nothing more is published; completes after
    /// the last batch of a completed source is acknowledged.
    /// </returns>
    /// <exception cref="AblyException">40003 for a null argument, a <paramref name="maxCount"/> below 1 or a negative <paramref name="maxDelay"/>.</exception>
    public static IObservable<IReadOnlyList<Message>> PublishBatches(
        this IObservable<Message> messages,
        RealtimeChannel channel,
        int maxCount,
        TimeSpan maxDelay,
        IScheduler? scheduler = null)
    {
        if (messages is null || channel is null)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The messages and the channel must not be null.");
        }

        if (maxCount < 1 || maxDelay < TimeSpan.Zero)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "maxCount must be at least 1 and maxDelay must not be negative.");
        }

        var clock = scheduler ?? channel.Scheduler;
        return Observable.Defer(() => messages
            .Buffer(maxDelay, maxCount, clock)
            .Where(batch => batch.Count > 0)
            .Select(batch =>
            {
                // Published at once, in batch order (the loop keeps submission order); the ACKs are awaited in order.
                var published = Publish(channel, batch);
                return published.ToObservable().Select(_ => (IReadOnlyList<Message>)batch.ToArray());
            })
            .Concat());
    }

    private static Task Publish(RealtimeChannel channel, IList<Message> batch)
    {
        try
        {
            return channel.PublishAsync(batch);
        }
        catch (AblyException ex)
        {
            return Task.FromException(ex);
        }
    }
}
