namespace Reliably.Rx.Transport;

/// <summary>The kind of a data frame, as a WebSocket distinguishes them.</summary>
public enum TransportFrameKind
{
    /// <summary>A text frame: UTF-8 JSON (<c>format=json</c>).</summary>
    Text,

    /// <summary>A binary frame: msgpack (<c>format=msgpack</c>).</summary>
    Binary,
}
