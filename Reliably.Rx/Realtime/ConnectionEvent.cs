namespace Reliably.Rx;

/// <summary>
/// The events of a realtime connection (RTN4): one per <see cref="ConnectionState"/>, plus <see cref="Update"/> for a
/// change of connection details or error while the state stays the same (RTN4h, RTN24).
/// </summary>
public enum ConnectionEvent
{
    /// <summary>The connection entered <see cref="ConnectionState.Initialized"/>.</summary>
    Initialized,

    /// <summary>The connection entered <see cref="ConnectionState.Connecting"/>.</summary>
    Connecting,

    /// <summary>The connection entered <see cref="ConnectionState.Connected"/>.</summary>
    Connected,

    /// <summary>The connection entered <see cref="ConnectionState.Disconnected"/>.</summary>
    Disconnected,

    /// <summary>The connection entered <see cref="ConnectionState.Suspended"/>.</summary>
    Suspended,

    /// <summary>The connection entered <see cref="ConnectionState.Closing"/>.</summary>
    Closing,

    /// <summary>The connection entered <see cref="ConnectionState.Closed"/>.</summary>
    Closed,

    /// <summary>The connection entered <see cref="ConnectionState.Failed"/>.</summary>
    Failed,

    /// <summary>
    /// The state did not change but something about it did: a new CONNECTED while connected, for example after a
    /// re-authentication (RTN4h, RTN24, RTC8).
    /// </summary>
    Update,
}
