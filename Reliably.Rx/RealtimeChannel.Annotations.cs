using Microsoft.Extensions.Logging;
using Reliably.Rx.Annotations;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;

namespace Reliably.Rx;

/// <summary>The channel's annotations (RTL26) and the loop-side hooks they need.</summary>
public sealed partial class RealtimeChannel
{
    private RealtimeAnnotations? _annotations;

    /// <summary>The annotations of this channel's messages: publish, delete, get and subscribe (RTL26, RTAN).</summary>
    public RealtimeAnnotations Annotations => LazyInitializer.EnsureInitialized(ref _annotations, () => new RealtimeAnnotations(this));

    /// <summary>The channel's logger.</summary>
    internal ILogger Logger => _logger;

    /// <summary>
    /// RTAN1b, RTAN1c: sends an ANNOTATION ProtocolMessage of <paramref name="size"/> bytes (TO3l8f) through the publish pipeline
    /// (msgSerial, queueing, ACK/NACK), under the same connection and channel state conditions as a publish (RTL6c).
    /// </summary>
    internal Task SendAnnotationAsync(ProtocolMessage frame, long size, CancellationToken cancellationToken)
    {
        try
        {
            ThrowIfUnusable();
            if (State is ChannelState.Suspended or ChannelState.Failed && !ConnectionRefusesPublishes())
            {
                throw new AblyException(new ErrorInfo(ErrorCodes.ChannelOperationFailedInvalidState, 400, $"Cannot publish an annotation on a {State} channel (RTL6c4).") { Cause = ErrorReason });
            }

            var max = _loop.Snapshot.Details?.MaxMessageSize ?? Realtime.ConnectionLoop.DefaultMaxMessageSize;
            if (size > max)
            {
                // RSAN1a4, RTAN1a.
                throw new AblyException(MessageSize.TooLarge(size, max));
            }

            var sent = _loop.SendAsync(frame, onOutcome: null, size);
            return cancellationToken.CanBeCanceled ? sent.WaitAsync(cancellationToken) : sent;
        }
        catch (AblyException ex)
        {
            return Task.FromException(ex);
        }
    }

    /// <summary>RTAN4b: every annotation of an ANNOTATION frame enters the channel's ordered feed. On the loop.</summary>
    private void OnAnnotationFrame(ProtocolMessage message)
    {
        if (_status.State != ChannelState.Attached)
        {
            // As messages (RTL17): only an attached channel delivers.
            return;
        }

        Annotation[] annotations;
        try
        {
            annotations = AnnotationWire.DecodeAll(message.Annotations, message.Timestamp);
        }
        catch (AblyException ex)
        {
            AnnotationsLog.FrameUnreadable(_logger, Name, ex.ErrorInfo.Code, ex.Message);
            return;
        }

        foreach (var annotation in annotations)
        {
            _backfiller.Deliver(annotation);
        }
    }
}
