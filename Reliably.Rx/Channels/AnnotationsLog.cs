using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Annotations;

/// <summary>Annotation log messages (event ids 4400-4499). Never logs keys, tokens or payloads.</summary>
internal static partial class AnnotationsLog
{
    [LoggerMessage(EventId = 4400, Level = LogLevel.Warning, Message = "Channel {Channel}: an annotation listener was added, but the channel is attached without the ANNOTATION_SUBSCRIBE mode, so no annotation will arrive: request ChannelModes.AnnotationSubscribe in the channel options (the key or token needs the annotation-subscribe capability) (RTAN4e)")]
    public static partial void NoAnnotationSubscribeMode(ILogger logger, string channel);

    [LoggerMessage(EventId = 4401, Level = LogLevel.Warning, Message = "Channel {Channel}: an ANNOTATION frame could not be read ({Code}): {Reason}")]
    public static partial void FrameUnreadable(ILogger logger, string channel, int code, string reason);
}
