namespace Reliably.Rx;

/// <summary>The states of a realtime connection (RTN4, RTN27).</summary>
public enum ConnectionState
{
    /// <summary>Created, not yet asked to connect.</summary>
    Initialized,

    /// <summary>Opening a transport and waiting for CONNECTED.</summary>
    Connecting,

    /// <summary>Connected: messages flow.</summary>
    Connected,

    /// <summary>Temporarily without a transport; retrying, and the connection may still be resumed (RTN14d, RTN15).</summary>
    Disconnected,

    /// <summary>Disconnected for longer than connectionStateTtl; retrying less often, pending publishes have failed (RTN14e).</summary>
    Suspended,

    /// <summary>Closing on request: CLOSE sent, waiting for CLOSED (RTN12).</summary>
    Closing,

    /// <summary>Closed on request; <c>Connect()</c> starts a new connection (RTN11).</summary>
    Closed,

    /// <summary>Failed with a fatal error (see <see cref="Connection.ErrorReason"/>); <c>Connect()</c> starts a new connection.</summary>
    Failed,
}
