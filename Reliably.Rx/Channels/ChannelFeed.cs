using Reliably.Rx.Streams;

namespace Reliably.Rx.Channels;

/// <summary>
/// The single ordered sequence of a channel's events (messages, presence events, state changes, discontinuities): the
/// loop appends to it, numbering each event, and every channel stream is a subscription to it that takes some kinds.
/// Whatever a subscriber observes, in one stream or in <see cref="RealtimeChannel.Events"/>, follows the loop's order.
/// </summary>
internal sealed class ChannelFeed
{
    private readonly LosslessBroadcast<ChannelNotification> _broadcast;
    private readonly Func<BackfillRequest, Task<BackfillResult>?> _repair;

    // The state snapshot and its publication are atomic for subscribers that start with the current state.
    private readonly object _stateGate = new();
    private StateChangeNotification _lastState;

    // Loop-only.
    private long _sequence;

    // The listener is wired to the broadcast with the first subscription (under the state gate): a feed nobody subscribes
    // to has no subscriber to fault or fall behind, and holds no handler delegates.
    private IChannelFeedListener? _listener;
    private bool _listenerWired;

    /// <param name="host">Where subscriptions deliver.</param>
    /// <param name="initial">The state a subscription that takes state changes starts with before the first change.</param>
    /// <param name="repair">Reads the messages of a bounded subscription's gap from history, or returns null when the channel does not repair gaps.</param>
    public ChannelFeed(IDeliveryHost host, ChannelStateChange initial, Func<BackfillRequest, Task<BackfillResult>?> repair)
    {
        _repair = repair;
        _broadcast = new LosslessBroadcast<ChannelNotification>(host);
        _lastState = new StateChangeNotification(0, initial);
    }

    /// <summary>Raised on the delivery thread when a subscriber throws; the subscriber keeps receiving.</summary>
    public event Action<Exception>? SubscriberFaulted
    {
        add => _broadcast.SubscriberFaulted += value;
        remove => _broadcast.SubscriberFaulted -= value;
    }

    /// <summary>A subscriber's depth after a full drain batch.</summary>
    public event Action<int>? DepthChanged
    {
        add => _broadcast.DepthChanged += value;
        remove => _broadcast.DepthChanged -= value;
    }

    /// <summary>Receives subscriber faults and depths once the feed has a subscriber; set before the first subscription.</summary>
    public IChannelFeedListener? Listener
    {
        set => _listener = value;
    }

    /// <summary>The latest state change; only meaningful on the loop.</summary>
    public ChannelStateChange LastState => _lastState.Change;

    public void Message(Message message) => _broadcast.Publish(new MessageNotification(++_sequence, message), (int)FeedKinds.Message);

    public void Presence(PresenceMessage presence) => _broadcast.Publish(new PresenceNotification(++_sequence, presence), (int)FeedKinds.Presence);

    public void Annotation(Annotation annotation) => _broadcast.Publish(new AnnotationNotification(++_sequence, annotation), (int)FeedKinds.Annotation);

    public void Discontinuity(ChannelDiscontinuity discontinuity) => _broadcast.Publish(new DiscontinuityNotification(++_sequence, discontinuity), (int)FeedKinds.Discontinuity);

    public void StateChanged(ChannelStateChange change)
    {
        using (DeliveryGuard.Enter())
        {
            lock (_stateGate)
            {
                _lastState = new StateChangeNotification(++_sequence, change);
                _broadcast.Publish(_lastState, (int)FeedKinds.State);
            }
        }
    }

    /// <summary>
    /// Subscribes to the events of <paramref name="kinds"/> that pass <paramref name="where"/> (both applied by the
    /// producer, so the queue and its lag hold only what the subscriber takes), delivered through
    /// <paramref name="observer"/>. A subscription that takes state changes starts with the current state.
    /// </summary>
    public DeliverySubscription Subscribe(IObserver<ChannelNotification> observer, FeedKinds kinds, Func<ChannelNotification, bool>? where, DeliveryOptions options)
    {
        // The kinds are a mask the producer tests without a call; where, when given, runs only on items of those kinds.

        // A gap of a bounded DropOldest subscription is reported in its place when the stream carries discontinuities,
        // and filled from history when the stream carries messages and the channel repairs gaps.
        var traits = new DeliveryTraits<ChannelNotification>(
            static n => (n as MessageNotification)?.Message,
            (kinds & FeedKinds.Discontinuity) != 0 ? static d => new DiscontinuityNotification(0, d) : null,
            _repair,
            (kinds & FeedKinds.Message) != 0 ? static m => new MessageNotification(0, m) : null);
        WireListener();
        if ((kinds & FeedKinds.State) == 0)
        {
            return _broadcast.Subscribe(observer, options, where, traits, hasFirst: false, null!, (int)kinds);
        }

        using (DeliveryGuard.Enter())
        {
            lock (_stateGate)
            {
                return _broadcast.Subscribe(observer, options, where, traits, hasFirst: true, _lastState, (int)kinds);
            }
        }
    }

    private void WireListener()
    {
        lock (_stateGate)
        {
            if (_listenerWired || _listener is not { } listener)
            {
                return;
            }

            _listenerWired = true;
            _broadcast.SubscriberFaulted += listener.OnSubscriberFaulted;
            _broadcast.DepthChanged += listener.OnDepthChanged;
        }
    }

    /// <summary>Completes every subscription after what it has queued.</summary>
    public void Complete()
    {
        using (DeliveryGuard.Enter())
        {
            lock (_stateGate)
            {
                _broadcast.Complete();
            }
        }
    }
}

/// <summary>What a channel's feed reports about its subscribers (on the delivery thread).</summary>
internal interface IChannelFeedListener
{
    /// <summary>A subscriber threw; it keeps receiving.</summary>
    void OnSubscriberFaulted(Exception error);

    /// <summary>A subscriber's depth after a full drain batch.</summary>
    void OnDepthChanged(int depth);
}
