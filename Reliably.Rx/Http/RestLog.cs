using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Http;

/// <summary>REST log messages (event ids 2000-2099). Never logs keys, tokens, secrets or payloads.</summary>
internal static partial class RestLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Debug, Message = "HTTP request {Method} {Path} on {Host}")]
    public static partial void Sending(ILogger logger, string method, string path, string host);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "{Method} {Path} failed on {Host} ({Reason}); trying the next host")]
    public static partial void TryingNextHost(ILogger logger, string method, string path, string host, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "{Method} {Path}: giving up on fallback hosts after {Attempts} attempts ({Reason})")]
    public static partial void FallbackExhausted(ILogger logger, string method, string path, int attempts, string reason);

    // RSC3, TO3b: one line at Information says which service a client talks to and how it authenticates, without secrets.
    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "REST client created: primary host {Host}, {Protocol}, {AuthMethod} auth")]
    public static partial void Created(ILogger logger, string host, string protocol, string authMethod);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Token rejected with {Code}; renewing once and retrying")]
    public static partial void RenewingToken(ILogger logger, int code);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "40171: token auth without a key, authCallback or authUrl: no means to renew the token, so requests fail with 40171 once it expires (RSA4a1); see https://help.ably.io/error/40171")]
    public static partial void TokenCannotBeRenewed(ILogger logger);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Debug, Message = "Obtained a new token (expires {Expires})")]
    public static partial void TokenObtained(ILogger logger, DateTimeOffset? expires);
}
