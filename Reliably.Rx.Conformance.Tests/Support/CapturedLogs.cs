using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>One log event as the specs' <c>logHandler(level, message, context)</c> sees it.</summary>
/// <param name="Level">The event's level.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Context">The structured values of the message template (the spec's context map), without the template itself.</param>
public sealed record CapturedLog(LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Context);

/// <summary>
/// The specs' <c>logLevel</c> and <c>logHandler</c> in .NET terms: an <see cref="ILoggerFactory"/> whose minimum level is
/// the log level (what <see cref="ILogger.IsEnabled"/> answers) and whose sink is the handler, capturing every event
/// the library emits.
/// </summary>
public sealed class CapturedLogs(LogLevel minimumLevel) : ILoggerFactory
{
    private readonly List<CapturedLog> _logs = [];

    /// <summary>The events captured so far, in order.</summary>
    public IReadOnlyList<CapturedLog> Logs
    {
        get
        {
            lock (_logs)
            {
                return _logs.ToList();
            }
        }
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= owner.MinimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Not filtered here: what the library emits below the level reaches the list, so the specs' level
            // assertions check that the library asks IsEnabled and honours the level.
            var context = (state as IEnumerable<KeyValuePair<string, object?>> ?? [])
                .Where(pair => pair.Key != "{OriginalFormat}")
                .ToDictionary(pair => pair.Key, pair => pair.Value);
            lock (owner._logs)
            {
                owner._logs.Add(new CapturedLog(logLevel, formatter(state, exception), context));
            }
        }
    }

    private LogLevel MinimumLevel => minimumLevel;
}
