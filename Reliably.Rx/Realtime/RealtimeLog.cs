using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Realtime;

/// <summary>Connection log messages (event ids 4000-4099). Never logs keys, tokens, connection keys or payloads.</summary>
internal static partial class RealtimeLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Connection {Previous} -> {Current} ({Event}) reason {ReasonCode} retryIn {RetryIn}")]
    public static partial void StateChanged(ILogger logger, ConnectionState previous, ConnectionState current, ConnectionEvent @event, int? reasonCode, TimeSpan? retryIn);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug, Message = "Connecting to {Host} (resume {Resume}, recover {Recover})")]
    public static partial void Connecting(ILogger logger, string host, bool resume, bool recover);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Malformed frame ignored: {Code} {Message}")]
    public static partial void MalformedFrame(ILogger logger, int code, string message);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Frame {Action} for unknown channel ignored")]
    public static partial void UnknownChannel(ILogger logger, Protocol.ProtocolAction action);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Resume of connection {ConnectionId} failed; new connection {NewConnectionId}, error {Code}")]
    public static partial void ResumeFailed(ILogger logger, string? connectionId, string? newConnectionId, int? code);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Token error {Code}; renewing the token")]
    public static partial void RenewingToken(ILogger logger, int code);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Channel {Channel} sink threw; the loop carries on")]
    public static partial void SinkFaulted(ILogger logger, string channel, Exception exception);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Debug, Message = "ACK/NACK {Action} for serials {From}..{To} ignored: nothing pending")]
    public static partial void UnmatchedAck(ILogger logger, Protocol.ProtocolAction action, long from, long to);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "Recovery key is invalid and is ignored; connecting without recovery (RTN16f1)")]
    public static partial void InvalidRecoveryKey(ILogger logger);

    [LoggerMessage(EventId = 4010, Level = LogLevel.Debug, Message = "Trying fallback host {Host} (RTN17)")]
    public static partial void TryingFallback(ILogger logger, string host);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Error, Message = "Unexpected exception on the connection loop")]
    public static partial void LoopFault(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "Sending {Action} failed: {Code}")]
    public static partial void SendFailed(ILogger logger, Protocol.ProtocolAction action, int code);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "StateChanges subscriber threw")]
    public static partial void SubscriberFaulted(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4014, Level = LogLevel.Debug, Message = "Primary host failed ({Code}); checking connectivity before the fallback hosts (RTN17j)")]
    public static partial void CheckingConnectivity(ILogger logger, int code);

    [LoggerMessage(EventId = 4015, Level = LogLevel.Information, Message = "Connectivity check failed: no fallback hosts tried; retrying later (RTN17j)")]
    public static partial void NoConnectivity(ILogger logger);

    [LoggerMessage(EventId = 4016, Level = LogLevel.Information, Message = "Network available: {Available}, while {State} (RTN20)")]
    public static partial void NetworkChange(ILogger logger, bool available, ConnectionState state);
}
