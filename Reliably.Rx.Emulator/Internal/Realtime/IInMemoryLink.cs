namespace Reliably.Rx.Emulator.Internal.Realtime;

/// <summary>
/// The client's end of an in-memory connection, as the server sees it: where its frames go and how it learns that the
/// server closed or dropped the connection. The link decides when the client sees them (virtual latency, a stalled
/// network); the server only hands them over, in order.
/// </summary>
internal interface IInMemoryLink
{
    /// <summary>One server→client frame: msgpack bytes when <paramref name="binary"/>, UTF-8 JSON otherwise.</summary>
    void Deliver(byte[] frame, bool binary);

    /// <summary>The server ended the connection: after the frames delivered so far, or at once when <paramref name="abort"/> is set.</summary>
    void Close(bool abort);
}
