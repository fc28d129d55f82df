namespace Reliably.Rx;

/// <summary>
/// Connection details sent by the server in CONNECTED (CD2). They override the client's defaults (RTN21).
/// </summary>
public sealed record ConnectionDetails
{
    /// <summary>The identity the server confirmed: null, <c>*</c> or a concrete clientId.</summary>
    public string? ClientId { get; init; }

    /// <summary>The private key used to resume this connection (RTN15e).</summary>
    public string? ConnectionKey { get; init; }

    /// <summary>The largest message size the server accepts, in bytes (TO3l8).</summary>
    public long? MaxMessageSize { get; init; }

    /// <summary>The largest frame the server accepts, in bytes.</summary>
    public long? MaxFrameSize { get; init; }

    /// <summary>The most ProtocolMessages a second the client may send.</summary>
    public long? MaxInboundRate { get; init; }

    /// <summary>The most ProtocolMessages a second the server sends.</summary>
    public long? MaxOutboundRate { get; init; }

    /// <summary>How long the server keeps connection state after the transport is lost (RTN21).</summary>
    public TimeSpan? ConnectionStateTtl { get; init; }

    /// <summary>The longest the server stays silent; 0 means unbounded (RTN23a).</summary>
    public TimeSpan? MaxIdleInterval { get; init; }

    /// <summary>A debug identifier of the server.</summary>
    public string? ServerId { get; init; }

    /// <summary>The site that handles the connection.</summary>
    public string? SiteCode { get; init; }

    /// <summary>LiveObjects garbage-collection grace period.</summary>
    public TimeSpan? ObjectsGCGracePeriod { get; init; }
}
