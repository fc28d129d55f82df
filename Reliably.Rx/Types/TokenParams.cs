namespace Reliably.Rx;

/// <summary>Parameters of a token request (TK1). Absent values take the server's or the key's defaults.</summary>
public sealed record TokenParams
{
    /// <summary>Requested lifetime; the server's default is 60 minutes.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Requested capability as a JSON string, for example <c>{"*":["*"]}</c>; see <see cref="Rx.Capability"/>.</summary>
    public string? Capability { get; init; }

    /// <summary>The clientId the token is bound to; <c>*</c> for a wildcard.</summary>
    public string? ClientId { get; init; }

    /// <summary>The time of the request; defaults to now (or the server's time with queryTime).</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>A unique nonce of at least 16 characters; generated when absent.</summary>
    public string? Nonce { get; init; }
}
