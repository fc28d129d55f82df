using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Emulator.Internal.Hosting;

/// <summary>Source-generated log messages.</summary>
internal static partial class EmulatorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error serving {Path}")]
    public static partial void UnhandledRequestError(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Unhandled error on a realtime connection")]
    public static partial void UnhandledRealtimeError(ILogger logger, Exception exception);
}
