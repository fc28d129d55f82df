using Microsoft.Extensions.Logging;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>uts/rest/unit/logging.md (RSC2, RSC3, RSC4, TO3b, TO3c): the log level and the log handler.</summary>
[TestFixture]
[Category("uts/rest/unit/logging.md")]
public sealed class LoggingTests
{
    /// <summary>
    /// The specs' <c>logLevel</c> and <c>logHandler</c> options are, in .NET, one <see cref="ILoggerFactory"/>
    /// (ClientOptions.LoggerFactory): its minimum level is the log level, its sink the handler, and the context map is
    /// the message template's structured values.
    /// </summary>
    private const string LoggerFactory = "logLevel and logHandler are one ILoggerFactory (ClientOptions.LoggerFactory), the .NET logging idiom: " +
        "its minimum level is the log level (verbose = Trace, info = Information, warn = Warning, none = None) and its sink the handler; " +
        "the context map is the message template's structured values.";

    /// <summary>Runs the specs' common steps: a time() answered by the server, with the logs captured at <paramref name="level"/>.</summary>
    private static IReadOnlyList<CapturedLog> LogsOfTime(LogLevel level)
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(200, "[1704067200000]");
        var logs = new CapturedLogs(level);
        using var client = server.CreateRest(o => o with { Key = "app.key:secret", LoggerFactory = logs });

        scheduler.Await(client.TimeAsync());

        return logs.Logs;
    }

    // UTS: rest/unit/RSC2/default-log-level-warn-0
    [Test]
    [Adapted(LoggerFactory + " The library has no level of its own (a null factory logs nothing): the spec's default, warn, is the factory's level.")]
    public void RSC2_DefaultLogLevelIsWarn()
    {
        var logs = LogsOfTime(LogLevel.Warning);

        Assert.That(logs.Select(l => l.Level), Is.All.AnyOf(LogLevel.Error, LogLevel.Warning));
    }

    // UTS: rest/unit/TO3b/log-level-changeable-0
    [Test]
    [Adapted(LoggerFactory)]
    [Divergence("A REST client logged nothing at Information (the spec's case relies on a creation log at info level); it now logs its creation, primary host, protocol and auth method (never the key or token) at Information.")]
    public void RSC3_TO3b_LogLevelCanBeChanged()
    {
        var logs = LogsOfTime(LogLevel.Trace);

        Assert.That(logs.Where(l => l.Level == LogLevel.Information), Is.Not.Empty);
        Assert.That(logs.Where(l => l.Level == LogLevel.Debug).Select(l => l.Message), Has.Some.Contains("HTTP request"));
    }

    // UTS: rest/unit/TO3c/custom-handler-structured-events-0
    [Test]
    [Adapted(LoggerFactory)]
    public void RSC4_TO3c_CustomLogHandlerReceivesStructuredEvents()
    {
        var logs = LogsOfTime(LogLevel.Information);

        Assert.That(logs, Is.Not.Empty);
        Assert.That(logs.Select(l => l.Context.Count), Has.Some.GreaterThan(0));
    }

    // UTS: rest/unit/TO3c2/context-contains-expected-keys-0
    [Test]
    [Adapted(LoggerFactory + " The context keys are the template's holes, PascalCase as .NET structured logging names them: Method, Host, Path.")]
    public void TO3c_TO3c2_StructuredContextContainsExpectedKeys()
    {
        var logs = LogsOfTime(LogLevel.Debug);

        var http = logs.Where(l => l.Message.Contains("HTTP request", StringComparison.Ordinal) && l.Level == LogLevel.Debug).ToList();
        Assert.That(http, Is.Not.Empty);
        Assert.That(http[0].Context.Keys, Is.SupersetOf(new[] { "Method", "Host", "Path" }));
        Assert.That(http[0].Context["Path"], Is.EqualTo("/time"));
    }

    // UTS: rest/unit/RSC2b/log-level-none-suppresses-all-0
    [Test]
    [Adapted(LoggerFactory)]
    public void RSC2b_RSC3_LogLevelNoneProducesNoEvents()
    {
        var logs = LogsOfTime(LogLevel.None);

        Assert.That(logs, Is.Empty);
    }
}
