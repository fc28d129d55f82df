using Microsoft.Extensions.Logging;
using Reliably.Rx.Realtime;
using Reliably.Rx.Streams;

namespace Reliably.Rx.Channels;

/// <summary>
/// The subscription and delivery side of a channel (RTL7, RTL8): its ordered feed, the streams that are subscriptions to
/// it taking some kinds, and the subscriber errors stream. Subscribing may attach (RTL7g, through the channel's
/// callback); unsubscribing never detaches (RTL8). The loop appends to the feed; subscribers are served on the delivery
/// scheduler.
/// </summary>
internal sealed class ChannelStreams : IChannelFeedListener
{
    private readonly ChannelFeed _feed;
    private readonly ConnectionLoop _loop;
    private readonly string _name;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly Action _attachOnSubscribe;

    // Created on first use: an attached channel nobody subscribes to needs none of them (docs/benchmarks.md, "Memory per
    // attached channel"). Each stream is a stateless subscribe factory, so two threads racing to create one may both
    // succeed and either object serves; the errors broadcast holds subscribers, so it is published once (Interlocked).
    private FeedStream<ChannelStateChange>? _stateChanges;
    private FeedStream<ChannelDiscontinuity>? _discontinuities;
    private FeedStream<ChannelNotification>? _events;
    private FeedStream<Message>? _messages;
    private RawObservable<Exception>? _subscriberErrors;
    private LosslessBroadcast<Exception>? _errors;
    private volatile bool _completed;

    /// <param name="loop">Where subscriptions deliver from.</param>
    /// <param name="name">The channel name, for the log.</param>
    /// <param name="logger">The channel's logger.</param>
    /// <param name="tag">The channel's metrics tag.</param>
    /// <param name="repair">Reads a bounded subscription's gap from history, or null when the channel does not repair gaps.</param>
    /// <param name="attachOnSubscribe">RTL7g: called when a stream that attaches is subscribed to.</param>
    public ChannelStreams(
        ConnectionLoop loop,
        string name,
        ILogger logger,
        KeyValuePair<string, object?> tag,
        Func<BackfillRequest, Task<BackfillResult>?> repair,
        Action attachOnSubscribe)
    {
        _loop = loop;
        _name = name;
        _logger = logger;
        _tag = tag;
        _attachOnSubscribe = attachOnSubscribe;
        _feed = new ChannelFeed(loop, new ChannelStateChange(ChannelState.Initialized, ChannelState.Initialized, ChannelEvent.Initialized), repair);
        _feed.Listener = this;
    }

    /// <summary>The channel's one ordered sequence of events, which the loop appends to.</summary>
    public ChannelFeed Feed => _feed;

    /// <summary>The state changes, starting with the current state.</summary>
    public IDeliveryStream<ChannelStateChange> StateChanges =>
        _stateChanges ??= new FeedStream<ChannelStateChange>(this, FeedKinds.State, static n => ((StateChangeNotification)n).Change, attach: false, where: null);

    /// <summary>The discontinuities.</summary>
    public IDeliveryStream<ChannelDiscontinuity> Discontinuities =>
        _discontinuities ??= new FeedStream<ChannelDiscontinuity>(this, FeedKinds.Discontinuity, static n => ((DiscontinuityNotification)n).Discontinuity, attach: false, where: null);

    /// <summary>Subscriber and decoding errors.</summary>
    public IObservable<Exception> SubscriberErrors => _subscriberErrors ??= new RawObservable<Exception>(observer => Errors().Subscribe(observer));

    /// <summary>Every event, starting with the current state; subscribing attaches.</summary>
    public IDeliveryStream<ChannelNotification> Events =>
        _events ??= new FeedStream<ChannelNotification>(this, FeedKinds.All, static n => n, attach: true, where: null);

    /// <summary>The messages; subscribing attaches.</summary>
    public IDeliveryStream<Message> Messages => _messages ??= MessagesWhere(null);

    /// <summary>True once the errors broadcast exists (someone subscribed to <see cref="SubscriberErrors"/>); for tests.</summary>
    internal bool HasErrorsBroadcast => Volatile.Read(ref _errors) is not null;

    /// <summary>RTL7b: the messages called <paramref name="name"/>, filtered by the producer.</summary>
    public IDeliveryStream<Message> Named(string name) => MessagesWhere(n => ((MessageNotification)n).Message.Name == name);

    /// <summary>RTL22: the messages that meet every criterion of <paramref name="filter"/>, filtered by the producer.</summary>
    public IDeliveryStream<Message> Filtered(MessageFilter filter) => MessagesWhere(n => filter.Matches(((MessageNotification)n).Message));

    /// <summary>The data of the messages (called <paramref name="name"/>, when given) as <typeparamref name="T"/>, failures handled as <paramref name="onFailure"/> says.</summary>
    public IDeliveryStream<T> Typed<T>(string? name, ConversionFailure onFailure)
        where T : notnull
    {
        Func<ChannelNotification, bool>? where = name is null ? null : n => ((MessageNotification)n).Message.Name == name;
        return new DeliveryStream<T>((observer, options) =>
        {
            var typed = new TypedDataObserver<T>(observer, onFailure, ReportError);
            var subscription = _feed.Subscribe(typed, FeedKinds.Message, where, options);
            typed.Subscription = subscription;
            _attachOnSubscribe();
            return subscription;
        });
    }

    /// <summary>Reports an error on <see cref="SubscriberErrors"/>: to nobody when nobody ever subscribed to it.</summary>
    public void ReportError(Exception error) => Volatile.Read(ref _errors)?.Publish(error);

    /// <summary>Completes every stream after what it has queued.</summary>
    public void Complete()
    {
        _completed = true;
        _feed.Complete();
        Volatile.Read(ref _errors)?.Complete();
    }

    /// <summary>The messages <paramref name="where"/> accepts (all when null), filtered before they enter a subscription's queue.</summary>
    private FeedStream<Message> MessagesWhere(Func<ChannelNotification, bool>? where) =>
        new(this, FeedKinds.Message, static n => ((MessageNotification)n).Message, attach: true, where);

    private LosslessBroadcast<Exception> Errors()
    {
        if (Volatile.Read(ref _errors) is { } existing)
        {
            return existing;
        }

        var created = new LosslessBroadcast<Exception>(_loop);
        created.SubscriberFaulted += OnErrorsSubscriberFaulted;
        var errors = Interlocked.CompareExchange(ref _errors, created, null) ?? created;

        // Complete() sets the flag before it reads the field, and this reads the flag after publishing the field: one of
        // the two completes a broadcast created while the channel completes (Complete is idempotent).
        if (_completed)
        {
            errors.Complete();
        }

        return errors;
    }

    /// <inheritdoc />
    public void OnSubscriberFaulted(Exception error)
    {
        ChannelLog.SubscriberFaulted(_logger, _name, error);
        ReportError(error);
    }

    private void OnErrorsSubscriberFaulted(Exception error) => ChannelLog.SubscriberFaulted(_logger, _name, error);

    /// <inheritdoc />
    public void OnDepthChanged(int depth) => ReliablyRxDiagnostics.SubscriberBufferDepth.Record(depth, _tag);

    /// <summary>
    /// A stream of the feed's kinds, delivered as its projection makes them: one object per stream and no closure, so that
    /// a channel's streams cost a few dozen bytes each, and nothing until first used.
    /// </summary>
    private sealed class FeedStream<T>(
        ChannelStreams owner,
        FeedKinds kinds,
        Func<ChannelNotification, T> project,
        bool attach,
        Func<ChannelNotification, bool>? where) : IDeliveryStream<T>
    {
        public IDisposable Subscribe(IObserver<T> observer) => Subscribe(observer, DeliveryOptions.Default);

        public DeliverySubscription Subscribe(IObserver<T> observer, DeliveryOptions options)
        {
            DeliveryStream<T>.Validate(observer, options);
            IObserver<ChannelNotification> target = observer as IObserver<ChannelNotification> is { } same && kinds == FeedKinds.All
                ? same
                : new ProjectingObserver<T>(observer, project);
            var subscription = owner._feed.Subscribe(target, kinds, where, options);
            if (attach)
            {
                owner._attachOnSubscribe();
            }

            return subscription;
        }
    }
}
