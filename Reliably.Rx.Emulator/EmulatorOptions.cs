using System.Net;
using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Emulator;

/// <summary>
/// Immutable settings for an <see cref="AblyEmulator"/>. Configure with an object initializer or <c>with</c>;
/// every default mirrors the real service (PROTOCOL.md 1.6, 2.5).
/// </summary>
public sealed record EmulatorOptions
{
    /// <summary>The defaults.</summary>
    public static EmulatorOptions Default { get; } = new();

    /// <summary>TCP port to listen on; 0 (the default) picks a free port, shared by every listen address.</summary>
    public int Port { get; init; }

    /// <summary>Loopback addresses to listen on, all on <see cref="Port"/>. Default: <c>127.0.0.1</c>. The first is used for <see cref="AblyEmulator.BaseUri"/>.
    /// Add e.g. <c>127.0.0.2</c> to test host fallback with per-address REST faults.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; init; } = [IPAddress.Loopback];

    /// <summary>Serve HTTPS/WSS with a self-signed certificate generated at startup (default <c>false</c>).</summary>
    public bool Tls { get; init; }

    /// <summary>Reject Basic auth (API keys) over a non-TLS transport with 40103, as the real service does (RSC18). Default <c>false</c>, like ably-server.</summary>
    public bool StrictBasicAuth { get; init; }

    /// <summary>connectionDetails.connectionStateTtl, and how long a dropped connection stays resumable. Default 120 s.</summary>
    public TimeSpan ConnectionStateTtl { get; init; } = TimeSpan.FromMilliseconds(120_000);

    /// <summary>connectionDetails.maxIdleInterval: the longest the server stays silent (RTN23). Default 15 s.</summary>
    public TimeSpan MaxIdleInterval { get; init; } = TimeSpan.FromMilliseconds(15_000);

    /// <summary>How often the server sends a HEARTBEAT (heartbeats=true) or a WebSocket ping (otherwise).
    /// Default 5 s; clamped to half of <see cref="MaxIdleInterval"/>.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long presence members of an abruptly dropped, not yet resumed connection stay before a synthesized LEAVE. Default 15 s (PROTOCOL.md 4.6).</summary>
    public TimeSpan PresenceLeaveDelay { get; init; } = TimeSpan.FromMilliseconds(15_000);

    /// <summary>connectionDetails.maxMessageSize; larger publishes are NACKed with 40009. Default 65 536 bytes.</summary>
    public int MaxMessageSize { get; init; } = 65_536;

    /// <summary>connectionDetails.maxFrameSize; larger inbound frames are a connection error. Default 524 288 bytes.</summary>
    public int MaxFrameSize { get; init; } = 524_288;

    /// <summary>Messages per channel kept for history, resume and rewind. Default 10 000; older ones are discarded.</summary>
    public int ChannelHistoryLimit { get; init; } = 10_000;

    /// <summary>SYNC page size (presence members per SYNC frame). Default 100.</summary>
    public int SyncPageSize { get; init; } = 100;

    /// <summary>Frames recorded per connection (both directions) for <see cref="AblyEmulator.GetFrames"/>; 0 disables. Default 1000.</summary>
    public int FrameLogLimit { get; init; } = 1000;

    /// <summary>Token TTL when a token request does not say (default 60 min).</summary>
    public TimeSpan DefaultTokenTtl { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Fix the default app's key (<c>appId.keyId:secret</c>) instead of generating one; handy for samples.</summary>
    public string? DefaultKey { get; init; }

    /// <summary>connectionDetails.serverId. Default <c>reliably-rx-emulator</c>.</summary>
    public string ServerId { get; init; } = "reliably-rx-emulator";

    /// <summary>Logger factory for the emulator's own diagnostics; <c>null</c> (default) logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Clock for timestamps and token expiry. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// The source of every id the server makes (app ids, keys and secrets, connection ids and keys, tokens, channel serial
    /// epochs). Null (the default) uses a cryptographic generator. A seeded instance makes the ids follow from the seed, so
    /// a server driven by a virtual clock (<see cref="TimeProvider"/>) behaves identically on every run. Never for a
    /// server reachable by anyone else: keys and tokens become predictable.
    /// </summary>
    public Random? Random { get; init; }

    internal TimeSpan EffectiveHeartbeatInterval
    {
        get
        {
            var half = MaxIdleInterval / 2;
            return HeartbeatInterval > half && half > TimeSpan.Zero ? half : HeartbeatInterval;
        }
    }

    internal void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be 0..65535.");
        }

        if (Addresses.Count == 0)
        {
            throw new ArgumentException("At least one listen address is required.", nameof(Addresses));
        }

        foreach (var address in Addresses)
        {
            if (!IPAddress.IsLoopback(address))
            {
                throw new ArgumentException($"Only loopback addresses may be used, not {address}.", nameof(Addresses));
            }
        }

        if (HeartbeatInterval <= TimeSpan.Zero || MaxMessageSize <= 0 || MaxFrameSize <= 0 || SyncPageSize <= 0 || ChannelHistoryLimit <= 0)
        {
            throw new ArgumentException("Intervals and sizes must be positive.");
        }
    }
}
