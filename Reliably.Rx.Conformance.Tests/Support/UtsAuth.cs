using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// Auth fixtures of the realtime specs: authCallbacks that count their calls, tokens valid for an hour on the test's
/// clock, the JSON of a token request's answer, and a logger that captures what the client logs.
/// </summary>
public static class UtsAuth
{
    /// <summary>The specs' <c>TokenDetails(token: t, expires: now() + 3600000)</c>, on the scheduler's clock.</summary>
    public static TokenDetails Token(IScheduler scheduler, string token, string? clientId = null) =>
        new(token) { Expires = scheduler.Now.AddHours(1), Issued = scheduler.Now, ClientId = clientId };

    /// <summary>
    /// An authCallback whose n-th call (1-based) returns <paramref name="answer"/>(n): a token string, TokenDetails or
    /// TokenRequest, or throws. <paramref name="calls"/> counts the calls.
    /// </summary>
    public static Func<TokenParams, CancellationToken, Task<object>> Callback(Func<int, object> answer, Counter calls, Action<TokenParams>? received = null) =>
        (tokenParams, _) =>
        {
            received?.Invoke(tokenParams);
            var n = ++calls.Value;
            try
            {
                return Task.FromResult(answer(n));
            }
            catch (Exception ex)
            {
                return Task.FromException<object>(ex);
            }
        };

    /// <summary>The specs' <c>THROW ErrorInfo(code, statusCode, message)</c> from an authCallback.</summary>
    public static AblyException Error(int code, int statusCode, string message) => new(new ErrorInfo(code, statusCode, message));

    /// <summary>The body of a <c>/keys/{keyName}/requestToken</c> answer: a TokenDetails valid for an hour.</summary>
    public static string TokenResponse(IScheduler scheduler, string token)
    {
        var now = scheduler.Now.ToUnixTimeMilliseconds();
        return new JObject
        {
            ["token"] = token,
            ["keyName"] = "appId.keyId",
            ["issued"] = now,
            ["expires"] = now + 3_600_000,
            ["capability"] = "{\"*\":[\"*\"]}",
        }.ToString(Newtonsoft.Json.Formatting.None);
    }

    /// <summary>A mutable count, shared between a callback and the test.</summary>
    public sealed class Counter
    {
        public int Value { get; set; }
    }
}

/// <summary>The specs' <c>logHandler</c>: an <see cref="ILoggerFactory"/> that records every entry (level and message).</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly List<(LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return _entries.ToList();
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._entries)
            {
                owner._entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
