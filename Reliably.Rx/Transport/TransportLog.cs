using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Transport;

/// <summary>Transport log messages (event ids 4100-4149). Never logs URIs with credentials, keys, tokens or payloads.</summary>
internal static partial class TransportLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Debug, Message = "WebSocket to {Host} could not be opened ({ExceptionType})")]
    public static partial void ConnectFailed(ILogger logger, string host, string exceptionType);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "WebSocket close failed ({ExceptionType})")]
    public static partial void CloseFailed(ILogger logger, string exceptionType);
}
