namespace Reliably.Rx.Testing;

/// <summary>The action of a realtime ProtocolMessage (TR2), as the number on the wire.</summary>
public enum ProtocolAction
{
    /// <summary>HEARTBEAT (0): a server heartbeat or a ping and its answer (RTN13).</summary>
    Heartbeat = 0,

    /// <summary>ACK (1): publishes from <c>msgSerial</c>, <c>count</c> of them, were accepted (RTN7a).</summary>
    Ack = 1,

    /// <summary>NACK (2): publishes were refused, with an error (RTN7a).</summary>
    Nack = 2,

    /// <summary>CONNECT (3).</summary>
    Connect = 3,

    /// <summary>CONNECTED (4): the connection is open, with its id, key and details (RTN2, RTN21).</summary>
    Connected = 4,

    /// <summary>DISCONNECT (5).</summary>
    Disconnect = 5,

    /// <summary>DISCONNECTED (6): the server closes a connection that may be resumed (RTN15h).</summary>
    Disconnected = 6,

    /// <summary>CLOSE (7): the client asks to close (RTN12).</summary>
    Close = 7,

    /// <summary>CLOSED (8): the server confirms the close.</summary>
    Closed = 8,

    /// <summary>ERROR (9): a fatal connection error, or a channel error when it names a channel (RTN15j, RTL14).</summary>
    Error = 9,

    /// <summary>ATTACH (10).</summary>
    Attach = 10,

    /// <summary>ATTACHED (11).</summary>
    Attached = 11,

    /// <summary>DETACH (12).</summary>
    Detach = 12,

    /// <summary>DETACHED (13): solicited, or unsolicited from the server (RTL13).</summary>
    Detached = 13,

    /// <summary>PRESENCE (14).</summary>
    Presence = 14,

    /// <summary>MESSAGE (15).</summary>
    Message = 15,

    /// <summary>SYNC (16): a page of the presence set (RTP18).</summary>
    Sync = 16,

    /// <summary>AUTH (17): a server's request to re-authenticate, or the client's new token (RTN22, RTC8).</summary>
    Auth = 17,
}
