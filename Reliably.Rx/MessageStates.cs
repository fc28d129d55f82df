using System.Reactive.Disposables;
using System.Reactive.Linq;
using Reliably.Rx.Channels;

namespace Reliably.Rx;

/// <summary>
/// Messages as values that change over time: updates, deletes, appends and annotation summaries (RTL32, TM5) folded by
/// serial into each message's current state.
/// </summary>
public static class MessageStates
{
    /// <summary>The default number of messages <see cref="CurrentStates(IObservable{Message}, int)"/> remembers.</summary>
    public const int DefaultCapacity = 10_000;

    /// <summary>
    /// The current state of each message, emitted every time a message changes: a create as it is, then the message
    /// with each update, delete or summary applied, and with each append's data joined to the data before it.
    /// </summary>
    /// <param name="messages">A message stream, typically <see cref="RealtimeChannel.Messages()"/>.</param>
    /// <param name="capacity">How many messages to remember, most recently created first forgotten last; a change to a
    /// forgotten message is emitted as it arrives (an append then stays an <see cref="MessageAction.Append"/>).</param>
    /// <remarks>
    /// Cold: each subscription folds on its own, from what its source delivers after it subscribed. A change that is no
    /// newer than the state it would replace (by version serial) is a duplicate and is not emitted, so a resend after a
    /// resume cannot repeat or rewind a message. Errors and completion are those of the source; with
    /// <see cref="RealtimeChannel.Messages()"/> it completes when the channel is released. Lossless as its source is.
    /// </remarks>
    /// <exception cref="AblyException">40003 for a null stream or a capacity below 1.</exception>
    public static IObservable<Message> CurrentStates(this IObservable<Message> messages, int capacity = DefaultCapacity)
    {
        if (messages is null || capacity < 1)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A message stream and a capacity of at least 1 are required.");
        }

        return Observable.Defer(() =>
        {
            var states = new Dictionary<string, Message>(StringComparer.Ordinal);
            var order = new Queue<string>();
            return messages.Select(m =>
            {
                if (m.Serial is not { } serial)
                {
                    return m;
                }

                var known = states.TryGetValue(serial, out var current);
                if (MessageFold.Apply(current, m) is not { } next)
                {
                    return null;
                }

                states[serial] = next;
                if (!known)
                {
                    order.Enqueue(serial);
                    while (order.Count > capacity)
                    {
                        states.Remove(order.Dequeue());
                    }
                }

                return next;
            }).Where(m => m is not null).Select(m => m!);
        });
    }

    /// <summary>
    /// The live value of one message, starting from <paramref name="initial"/>: emitted first, then again after each
    /// change to it (an appended response grows fragment by fragment). A deleted message is emitted once more, with
    /// <see cref="Message.Action"/> <see cref="MessageAction.Delete"/>, and the observable completes.
    /// </summary>
    /// <param name="messages">A message stream that carries the message's changes, typically <see cref="RealtimeChannel.Messages()"/>.</param>
    /// <param name="initial">The message as known now, with its serial (for example the create as received).</param>
    /// <remarks>Cold; changes no newer than the current state are dropped; completes with the source (channel release).</remarks>
    /// <exception cref="AblyException">40003 when <paramref name="initial"/> is null or has no serial.</exception>
    public static IObservable<Message> Live(this IObservable<Message> messages, Message initial)
    {
        if (messages is null || initial?.Serial is not { Length: > 0 } serial)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A message stream and a message with a serial are required.");
        }

        return LiveFrom(messages, serial, Observable.Return(initial));
    }

    /// <summary>
    /// The live value of one message on the channel: its latest version, read through REST (RTL28), then again after
    /// each change the channel delivers (an appended response grows fragment by fragment), with no gap and no
    /// duplicate between the two. A deleted message is emitted once more, with <see cref="Message.Action"/>
    /// <see cref="MessageAction.Delete"/>, and the observable completes; it also completes when the channel is released.
    /// </summary>
    /// <param name="channel">The channel; subscribing attaches it, as <see cref="RealtimeChannel.Messages()"/> does.</param>
    /// <param name="serial">The message's serial.</param>
    /// <remarks>
    /// Cold: each subscription subscribes to <see cref="RealtimeChannel.Messages()"/> first, waits for the channel to be
    /// attached, then reads the message, so a change made while the read is in flight is applied after it if it is
    /// newer, and dropped if the read already shows it. A failed attach or read ends the observable with its
    /// <see cref="AblyException"/> (40400 for an unknown serial).
    /// Values are delivered on the channel's delivery threads, never on the client's loop.
    /// </remarks>
    /// <exception cref="AblyException">40003 for a null channel or an empty serial.</exception>
    public static IObservable<Message> LiveMessage(this RealtimeChannel channel, string serial)
    {
        if (channel is null || string.IsNullOrEmpty(serial))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A channel and a message serial are required.");
        }

        // The read follows the attach: from then on the channel delivers every change, so none falls between the two.
        return LiveFrom(channel.Messages(), serial, Observable.FromAsync(async ct =>
        {
            await channel.AttachAsync(ct).ConfigureAwait(false);
            return await channel.GetMessageAsync(serial, ct).ConfigureAwait(false);
        }));
    }

    /// <summary>The current state of each message on the channel: <see cref="RealtimeChannel.Messages()"/> folded by <see cref="CurrentStates(IObservable{Message}, int)"/>.</summary>
    /// <param name="channel">The channel; subscribing attaches it.</param>
    /// <exception cref="AblyException">40003 for a null channel.</exception>
    public static IObservable<Message> CurrentStates(this RealtimeChannel channel) =>
        channel is null ? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A channel is required.") : channel.Messages().CurrentStates();

    /// <summary>Snapshot then changes: the source is subscribed before the snapshot is read, its changes held until the snapshot arrives.</summary>
    private static IObservable<Message> LiveFrom(IObservable<Message> messages, string serial, IObservable<Message> snapshot) =>
        Observable.Create<Message>(observer =>
        {
            var gate = new object();
            var held = new List<Message>();
            Message? current = null;
            var started = false;
            var done = false;
            var subscriptions = new CompositeDisposable();

            void Offer(Message m)
            {
                if (done || MessageFold.Apply(current, m) is not { } next)
                {
                    return;
                }

                current = next;
                observer.OnNext(next);
                if (next.Action is MessageAction.Delete)
                {
                    done = true;
                    observer.OnCompleted();
                    subscriptions.Dispose();
                }
            }

            void Fail(Exception error)
            {
                lock (gate)
                {
                    if (!done)
                    {
                        done = true;
                        observer.OnError(error);
                    }
                }
            }

            void Complete()
            {
                lock (gate)
                {
                    if (!done)
                    {
                        done = true;
                        observer.OnCompleted();
                    }
                }
            }

            subscriptions.Add(messages.Where(m => m.Serial == serial).Subscribe(
                m =>
                {
                    lock (gate)
                    {
                        if (started)
                        {
                            Offer(m);
                        }
                        else
                        {
                            held.Add(m);
                        }
                    }
                },
                Fail,
                Complete));
            subscriptions.Add(snapshot.Take(1).Subscribe(
                first =>
                {
                    lock (gate)
                    {
                        started = true;
                        Offer(first);
                        foreach (var m in held)
                        {
                            Offer(m);
                        }

                        held.Clear();
                    }
                },
                Fail));
            return subscriptions;
        });
}
