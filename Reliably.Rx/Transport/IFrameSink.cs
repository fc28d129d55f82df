namespace Reliably.Rx.Transport;

/// <summary>Where <see cref="FrameReader"/> hands each message it has read: the transport that owns the socket.</summary>
internal interface IFrameSink
{
    /// <summary>
    /// One whole message, as a slice of the reader's pooled buffer (valid during the call only). Returns false when the
    /// transport was closed: the reader then stops reading.
    /// </summary>
    bool Deliver(ReadOnlyMemory<byte> frame, TransportFrameKind kind);
}
