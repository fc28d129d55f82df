using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Emulator.Internal.Hosting;

/// <summary>Source-generated log messages.</summary>
internal static partial class EmulatorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error serving {Path}")]
    public static partial void UnhandledRequestError(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unhandled error on a realtime connection")]
    public static partial void UnhandledRealtimeError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Connection {ConnectionId} connected ({Format}, clientId {ClientId}, {Outcome})")]
    public static partial void Connected(ILogger logger, string connectionId, string format, string? clientId, string outcome);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Connection {ConnectionId} lost its transport; resumable for {Ttl}")]
    public static partial void TransportLost(ILogger logger, string connectionId, TimeSpan ttl);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Connection {ConnectionId} discarded")]
    public static partial void Discarded(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Connection refused: {Code} {Message}")]
    public static partial void Refused(ILogger logger, int code, string message);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "Fault injected: {Fault} {Target}")]
    public static partial void Fault(ILogger logger, string fault, string? target);
}
