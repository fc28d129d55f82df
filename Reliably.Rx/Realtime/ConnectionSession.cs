using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Realtime;

/// <summary>
/// What the connection is and what each attempt asks to continue (RTN15c, RTN16, RTN21): its id, its private key and
/// details from the latest CONNECTED, the recovery key the client was given, and what the current attempt sent to resume
/// or recover. Loop only.
/// </summary>
internal sealed class ConnectionSession
{
    private readonly ClientOptions _options;
    private readonly RecoveryKey? _recover;
    private bool _recoverAttempted;

    public ConnectionSession(ClientOptions options, RecoveryKey? recover)
    {
        _options = options;
        _recover = recover;
        ConnectionStateTtl = options.ConnectionStateTtl;
    }

    /// <summary>Default maxMessageSize until connectionDetails say otherwise (TO3l8).</summary>
    public const long DefaultMaxMessageSize = 65_536;

    /// <summary>The connectionId, kept across DISCONNECTED and SUSPENDED for resume (RTN8, RTN14h).</summary>
    public string? Id { get; private set; }

    /// <summary>The private connection key that a resume presents (RTN9, RTN15c).</summary>
    public string? Key { get; private set; }

    /// <summary>The latest CONNECTED's connectionDetails.</summary>
    public ConnectionDetails? Details { get; private set; }

    /// <summary>RTN14e, RTN21: connectionStateTtl, from connectionDetails or the options.</summary>
    public TimeSpan ConnectionStateTtl { get; private set; }

    /// <summary>TO3l8, CD2c: the largest publish the connection accepts.</summary>
    public long MaxMessageSize { get; private set; } = DefaultMaxMessageSize;

    /// <summary>The key the current attempt asked to resume (RTN15c), or null.</summary>
    public string? ResumeKeySent { get; private set; }

    /// <summary>True when the current attempt asked to recover the connection of the recovery key (RTN16k).</summary>
    public bool RecoverSent { get; private set; }

    /// <summary>True when the current attempt asked to continue an earlier connection, by resume or recovery.</summary>
    public bool ContinuationSent => ResumeKeySent is not null || RecoverSent;

    /// <summary>
    /// A new attempt: it resumes when the connection has a key (RTN15c, RTN14h); otherwise the first attempt recovers
    /// the connection of <see cref="ClientOptions.Recover"/> (RTN16k), and later ones start afresh. Returns the recovery
    /// key's connection key to send, or null.
    /// </summary>
    public string? BeginAttempt()
    {
        ResumeKeySent = Key;
        RecoverSent = ResumeKeySent is null && _recover is not null && !_recoverAttempted;
        _recoverAttempted |= RecoverSent;
        return RecoverSent ? _recover!.ConnectionKey : null;
    }

    /// <summary>RTN21: a CONNECTED's id, key and details replace the earlier ones; its details override the defaults.</summary>
    public void Apply(ProtocolMessage connected)
    {
        var details = connected.ConnectionDetails;
        Id = connected.ConnectionId ?? Id;
        Key = details?.ConnectionKey ?? connected.ConnectionKey ?? Key;
        Details = details;
        ConnectionStateTtl = details?.ConnectionStateTtl ?? _options.ConnectionStateTtl;
        MaxMessageSize = details?.MaxMessageSize ?? DefaultMaxMessageSize;
    }

    /// <summary>
    /// After <see cref="Apply"/>: true when the CONNECTED continues the earlier connection, a resume that kept
    /// <paramref name="previousId"/> (RTN15c6) or a recovery without error; false for a new connection (RTN15c7, RTN16l).
    /// </summary>
    public bool Continues(string? previousId, ErrorInfo? error) =>
        (ResumeKeySent is not null && previousId == Id) || (RecoverSent && error is null);

    /// <summary>RTN11d: a connection that was CLOSED or FAILED starts afresh.</summary>
    public void Reset()
    {
        Forget();
        Details = null;
    }

    /// <summary>RTN12a, RTN15j: the server has discarded the connection: it cannot be resumed.</summary>
    public void Forget()
    {
        Id = null;
        Key = null;
    }
}
