using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Channels;

/// <summary>Channel log messages (event ids 4300-4399). Never logs keys, tokens or payloads.</summary>
internal static partial class ChannelLog
{
    [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "Channel {Channel} {Previous} -> {Current} ({Event}) reason {ReasonCode} resumed {Resumed}")]
    public static partial void StateChanged(ILogger logger, string channel, ChannelState previous, ChannelState current, ChannelEvent @event, int? reasonCode, bool resumed);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Debug, Message = "Channel {Channel}: {Count} message(s) dropped while {State} (RTL17)")]
    public static partial void MessagesDropped(ILogger logger, string channel, int count, ChannelState state);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Warning, Message = "Channel {Channel}: a message could not be decoded ({Code}); delivered with its residual encoding (RSL6b)")]
    public static partial void DecodeFailed(ILogger logger, string channel, int code);

    [LoggerMessage(EventId = 4309, Level = LogLevel.Error, Message = "Channel {Channel}: 40018 {Reason}; the frame is discarded and the channel re-attaches from the position before it (RTL18)")]
    public static partial void DeltaDecodeFailed(ILogger logger, string channel, string reason);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "Channel {Channel}: discontinuity {Kind} (reason {ReasonCode})")]
    public static partial void Discontinuity(ILogger logger, string channel, DiscontinuityKind kind, int? reasonCode);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Information, Message = "Channel {Channel}: backfill delivered {Recovered} message(s) and {Held} held live message(s); complete {Complete}")]
    public static partial void BackfillDone(ILogger logger, string channel, int recovered, int held, bool complete);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Warning, Message = "Channel {Channel}: a subscriber threw")]
    public static partial void SubscriberFaulted(ILogger logger, string channel, Exception exception);
}
