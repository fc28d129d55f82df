namespace Reliably.Rx.Testing;

/// <summary>What happened on a <see cref="ScriptedAbly"/>'s timeline.</summary>
public enum ScriptedEventKind
{
    /// <summary>A realtime connection attempt reached the server.</summary>
    ConnectionAttempt,

    /// <summary>The client sent a frame.</summary>
    FrameFromClient,

    /// <summary>The test sent a frame to the client.</summary>
    FrameToClient,

    /// <summary>The test closed or dropped the connection.</summary>
    ServerDisconnect,

    /// <summary>The client closed its end.</summary>
    ClientClose,

    /// <summary>An HTTP request reached the server.</summary>
    HttpRequest,
}
