using Reliably.Rx.Annotations;
using Reliably.Rx.Channels;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Rest;

namespace Reliably.Rx;

/// <summary>
/// The annotations of one realtime channel's messages (RTAN): publish and delete them over the connection, read them
/// through REST, and receive them as they are published. Receiving needs the channel attached with
/// <see cref="ChannelModes.AnnotationSubscribe"/> (and the <c>annotation-subscribe</c> capability); most applications
/// need only the summaries, which every subscriber receives as <see cref="MessageAction.Summary"/> messages and
/// <see cref="MessageStates.CurrentStates(RealtimeChannel)"/> folds into each message.
/// </summary>
public sealed class RealtimeAnnotations
{
    private readonly RealtimeChannel _channel;

    internal RealtimeAnnotations(RealtimeChannel channel)
    {
        _channel = channel;
        Events = Stream(null);
    }

    /// <summary>The channel these annotations belong to.</summary>
    public RealtimeChannel Channel => _channel;

    /// <summary>
    /// Every annotation published on the channel's messages (RTAN4a, RTAN4b), decoded.
    /// </summary>
    /// <remarks>
    /// Hot; a subscriber receives the annotations after it subscribed, nothing is replayed. The annotations of
    /// <see cref="RealtimeChannel.Events"/>, so they keep the channel's one order with its messages (a summary follows
    /// the annotation it counts). Subscribing attaches the channel when <see cref="ChannelOptions.AttachOnSubscribe"/>
    /// (RTAN4d); unsubscribing never detaches. Once the channel is attached without the ANNOTATION_SUBSCRIBE mode, a
    /// warning is logged, since nothing will arrive (RTAN4e); not when the channel is left unattached with
    /// AttachOnSubscribe off (RTAN4e1). Each subscription has its own queue drained on the delivery scheduler, never on
    /// the connection loop (see <see cref="DeliveryOptions"/>); one that throws is reported on
    /// <see cref="RealtimeChannel.SubscriberErrors"/> and keeps receiving. Completes when the channel is released or the
    /// client disposed; never errors.
    /// </remarks>
    public IDeliveryStream<Annotation> Events { get; }

    /// <summary>The annotations whose <see cref="Annotation.Type"/> is one of <paramref name="types"/> exactly (RTAN4c).</summary>
    /// <exception cref="AblyException">40003 when no type is given.</exception>
    public IDeliveryStream<Annotation> EventsOf(params string[] types)
    {
        if (types is not { Length: > 0 } || types.Any(string.IsNullOrEmpty))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Give at least one annotation type, none empty.");
        }

        return Stream(new HashSet<string>(types, StringComparer.Ordinal));
    }

    /// <summary>
    /// Publishes an annotation of the message <paramref name="messageSerial"/> over the connection (RTAN1), under the
    /// same connection and channel state conditions as a publish (RTAN1b). Completes on the server's ACK (RTAN1d).
    /// </summary>
    /// <param name="messageSerial">The serial of the message to annotate.</param>
    /// <param name="annotation">The annotation: at least its type, for example <c>reaction:distinct.v1</c>; it is not changed.</param>
    /// <param name="cancellationToken">Stops waiting; the annotation may still be published.</param>
    /// <exception cref="AblyException">40003 for an empty serial or a missing type; 40009 when too large; the NACK's error otherwise.</exception>
    public Task PublishAsync(string messageSerial, Annotation annotation, CancellationToken cancellationToken = default) =>
        SendAsync(messageSerial, annotation, AnnotationAction.Create, cancellationToken);

    /// <summary>Publishes an annotation of a message received earlier (RTAN1a, RSAN1a1), by its <see cref="Message.Serial"/>.</summary>
    /// <param name="message">A message with a serial.</param>
    /// <param name="annotation">The annotation.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="AblyException">As <see cref="PublishAsync(string, Annotation, CancellationToken)"/>.</exception>
    public Task PublishAsync(Message message, Annotation annotation, CancellationToken cancellationToken = default) =>
        PublishAsync(message?.Serial!, annotation, cancellationToken);

    /// <summary>Removes an annotation from the message's summary (RTAN2): as a publish, with the action <see cref="AnnotationAction.Delete"/>.</summary>
    /// <param name="messageSerial">The serial of the annotated message.</param>
    /// <param name="annotation">The annotation to remove: its type, and the name for types that count by name.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="AblyException">As <see cref="PublishAsync(string, Annotation, CancellationToken)"/>.</exception>
    public Task DeleteAsync(string messageSerial, Annotation annotation, CancellationToken cancellationToken = default) =>
        SendAsync(messageSerial, annotation, AnnotationAction.Delete, cancellationToken);

    /// <summary>Removes an annotation of a message received earlier, by its <see cref="Message.Serial"/>.</summary>
    /// <param name="message">A message with a serial.</param>
    /// <param name="annotation">The annotation to remove.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="AblyException">As <see cref="DeleteAsync(string, Annotation, CancellationToken)"/>.</exception>
    public Task DeleteAsync(Message message, Annotation annotation, CancellationToken cancellationToken = default) =>
        DeleteAsync(message?.Serial!, annotation, cancellationToken);

    /// <summary>The annotations of a message, one page at a time, oldest first, through the client's REST side (RTAN3a, RSAN3).</summary>
    /// <param name="messageSerial">The serial of the annotated message.</param>
    /// <param name="parameters">Query parameters sent as they are, for example <c>limit</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an empty serial; the server's error otherwise.</exception>
    public Task<PaginatedResult<Annotation>> GetAsync(string messageSerial, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        Reported.Run(() =>
        {
            if (_channel.Client.IsDisposed || _channel.IsReleased)
            {
                throw new AblyException(ErrorCodes.ChannelOperationFailedInvalidState, 400, $"Channel '{_channel.Name}' is released or its client disposed.");
            }

            return AnnotationRequests.GetAsync(_channel.Client.Rest, "/channels/" + Uri.EscapeDataString(_channel.Name), messageSerial, parameters, cancellationToken);
        });

    /// <summary>The annotations of a message received earlier, by its <see cref="Message.Serial"/>.</summary>
    /// <param name="message">A message with a serial.</param>
    /// <param name="parameters">Query parameters sent as they are.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">As <see cref="GetAsync(string, IReadOnlyDictionary{string, string}?, CancellationToken)"/>.</exception>
    public Task<PaginatedResult<Annotation>> GetAsync(Message message, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        GetAsync(message?.Serial!, parameters, cancellationToken);

    private Task SendAsync(string? messageSerial, Annotation? annotation, AnnotationAction action, CancellationToken cancellationToken)
    {
        try
        {
            // RTAN1a: the validation, fields and data encoding of RSAN1; no idempotent id (the msgSerial identifies a resend).
            var written = AnnotationWire.WriteSized(AnnotationWire.Build(messageSerial, annotation, action));
            return _channel.SendAnnotationAsync(AnnotationWire.Frame(_channel.Name, written), written.Size, cancellationToken);
        }
        catch (AblyException ex)
        {
            return Task.FromException(ex);
        }
    }

    private DeliveryStream<Annotation> Stream(HashSet<string>? types) =>
        new((observer, options) =>
        {
            var subscription = _channel.Feed.Subscribe(
                new ProjectingObserver<Annotation>(observer, static n => ((AnnotationNotification)n).Annotation),
                FeedKinds.Annotation,
                types is null ? null : n => ((AnnotationNotification)n).Annotation.Type is { } type && types.Contains(type),
                options);
            OnSubscribed();
            return subscription;
        });

    /// <summary>RTAN4d: attach as a subscribe does; RTAN4e: once attached, warn when the mode was not granted.</summary>
    private void OnSubscribed()
    {
        if (_channel.IsReleased || _channel.Client.IsDisposed)
        {
            return;
        }

        if (_channel.State == ChannelState.Attached)
        {
            WarnWithoutMode();
            return;
        }

        if (!_channel.Options.AttachOnSubscribe)
        {
            // RTAN4e1: a channel left unattached is not checked.
            return;
        }

        _ = _channel.EnsureAttachedAsync(CancellationToken.None).ContinueWith(
            t =>
            {
                if (t.IsFaulted)
                {
                    _channel.ReportError(t.Exception!.GetBaseException());
                }
                else
                {
                    WarnWithoutMode();
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void WarnWithoutMode()
    {
        // RTAN4e: the modes the server granted (RTL4m), not the ones requested.
        if (_channel.State == ChannelState.Attached && (_channel.Modes & ChannelModes.AnnotationSubscribe) == 0)
        {
            AnnotationsLog.NoAnnotationSubscribeMode(_channel.Logger, _channel.Name);
        }
    }
}
