namespace Reliably.Rx.Emulator;

/// <summary>A snapshot of one realtime connection, for targeting faults.</summary>
/// <param name="ConnectionId">The connection id sent in CONNECTED.</param>
/// <param name="AppId">The app the connection authenticated against.</param>
/// <param name="ClientId">The confirmed clientId, or <c>null</c> when anonymous.</param>
/// <param name="Channels">Channels currently attached.</param>
/// <param name="IsConnected">Whether a transport is currently open (false while awaiting a resume).</param>
/// <param name="Format">The current transport's wire format, <c>json</c> or <c>msgpack</c>.</param>
public sealed record EmulatorConnectionInfo(
    string ConnectionId,
    string AppId,
    string? ClientId,
    IReadOnlyList<string> Channels,
    bool IsConnected,
    string Format);
