using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.Realtime;

/// <summary>
/// The server side of one realtime connection, as sessions and faults see it. Two implementations share every other part
/// of the server: <see cref="WsTransport"/> (a WebSocket accepted by Kestrel) and <see cref="InMemoryServerTransport"/>
/// (frames handed to an in-memory link, for virtual-time tests).
/// </summary>
internal interface IServerTransport
{
    /// <summary>The wire format of this connection's frames.</summary>
    WireFormat Format { get; }

    /// <summary>The server address the client reached (the address of per-address faults).</summary>
    string LocalAddress { get; }

    /// <summary>Called after each frame has been handed to the network (frame recording).</summary>
    Action<OutgoingFrame>? OnSent { get; set; }

    /// <summary>True once the server decided to end this transport (CLOSED, DISCONNECTED, ERROR sent).</summary>
    bool EndedByServer { get; }

    /// <summary>While set, every outbound byte is swallowed (frames and heartbeats), so the client's idle timer fires.</summary>
    bool Silenced { get; set; }

    /// <summary>Applied to every frame queued: the frame to send instead, or null to swallow it (armed frame faults).</summary>
    Func<OutgoingFrame, OutgoingFrame?>? Filter { get; set; }

    /// <summary>Queues a frame; frames leave in the order they were queued.</summary>
    void Enqueue(OutgoingFrame frame);

    /// <summary>Sends everything queued so far, then closes the connection cleanly.</summary>
    void EndAfterFlush();

    /// <summary>Drops the connection at once with no close frame (the abrupt-drop fault, RTN15a).</summary>
    void Abort();
}
