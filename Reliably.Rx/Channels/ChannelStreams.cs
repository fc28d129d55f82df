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
internal sealed class ChannelStreams
{
    private readonly ChannelFeed _feed;
    private readonly LosslessBroadcast<Exception> _errors;
    private readonly Action _attachOnSubscribe;

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
        _attachOnSubscribe = attachOnSubscribe;
        _feed = new ChannelFeed(loop, new ChannelStateChange(ChannelState.Initialized, ChannelState.Initialized, ChannelEvent.Initialized), repair);
        _errors = new LosslessBroadcast<Exception>(loop);
        _feed.SubscriberFaulted += ex =>
        {
            ChannelLog.SubscriberFaulted(logger, name, ex);
            _errors.Publish(ex);
        };
        _errors.SubscriberFaulted += ex => ChannelLog.SubscriberFaulted(logger, name, ex);
        _feed.DepthChanged += depth => ReliablyRxDiagnostics.SubscriberBufferDepth.Record(depth, tag);

        StateChanges = Stream(FeedKinds.State, static n => ((StateChangeNotification)n).Change, attach: false);
        Discontinuities = Stream(FeedKinds.Discontinuity, static n => ((DiscontinuityNotification)n).Discontinuity, attach: false);
        SubscriberErrors = new RawObservable<Exception>(_errors.Subscribe);
        Events = Stream(FeedKinds.All, static n => n, attach: true);
        Messages = Stream(FeedKinds.Message, static n => ((MessageNotification)n).Message, attach: true);
    }

    /// <summary>The channel's one ordered sequence of events, which the loop appends to.</summary>
    public ChannelFeed Feed => _feed;

    /// <summary>The state changes, starting with the current state.</summary>
    public IDeliveryStream<ChannelStateChange> StateChanges { get; }

    /// <summary>The discontinuities.</summary>
    public IDeliveryStream<ChannelDiscontinuity> Discontinuities { get; }

    /// <summary>Subscriber and decoding errors.</summary>
    public IObservable<Exception> SubscriberErrors { get; }

    /// <summary>Every event, starting with the current state; subscribing attaches.</summary>
    public IDeliveryStream<ChannelNotification> Events { get; }

    /// <summary>The messages; subscribing attaches.</summary>
    public IDeliveryStream<Message> Messages { get; }

    /// <summary>RTL7b: the messages called <paramref name="name"/>, filtered by the producer.</summary>
    public IDeliveryStream<Message> Named(string name) => MessagesWhere(m => m.Name == name);

    /// <summary>RTL22: the messages that meet every criterion of <paramref name="filter"/>, filtered by the producer.</summary>
    public IDeliveryStream<Message> Filtered(MessageFilter filter) => MessagesWhere(filter.Matches);

    /// <summary>The messages <paramref name="keep"/> accepts, filtered before they enter a subscription's queue.</summary>
    private DeliveryStream<Message> MessagesWhere(Func<Message, bool> keep) =>
        Stream(FeedKinds.Message, static n => ((MessageNotification)n).Message, attach: true, n => keep(((MessageNotification)n).Message));

    /// <summary>The data of the messages (called <paramref name="name"/>, when given) as <typeparamref name="T"/>, failures handled as <paramref name="onFailure"/> says.</summary>
    public IDeliveryStream<T> Typed<T>(string? name, ConversionFailure onFailure)
        where T : notnull
    {
        Func<ChannelNotification, bool>? where = name is null ? null : n => ((MessageNotification)n).Message.Name == name;
        return new DeliveryStream<T>((observer, options) =>
        {
            var typed = new TypedDataObserver<T>(observer, onFailure, _errors.Publish);
            var subscription = _feed.Subscribe(typed, FeedKinds.Message, where, options);
            typed.Subscription = subscription;
            _attachOnSubscribe();
            return subscription;
        });
    }

    /// <summary>Reports an error on <see cref="SubscriberErrors"/>.</summary>
    public void ReportError(Exception error) => _errors.Publish(error);

    /// <summary>Completes every stream after what it has queued.</summary>
    public void Complete()
    {
        _feed.Complete();
        _errors.Complete();
    }

    /// <summary>A stream of the feed's <paramref name="kinds"/>, delivered as <paramref name="project"/> makes them.</summary>
    private DeliveryStream<T> Stream<T>(FeedKinds kinds, Func<ChannelNotification, T> project, bool attach, Func<ChannelNotification, bool>? where = null) =>
        new((observer, options) =>
        {
            IObserver<ChannelNotification> target = observer as IObserver<ChannelNotification> is { } same && kinds == FeedKinds.All
                ? same
                : new ProjectingObserver<T>(observer, project);
            var subscription = _feed.Subscribe(target, kinds, where, options);
            if (attach)
            {
                _attachOnSubscribe();
            }

            return subscription;
        });
}
