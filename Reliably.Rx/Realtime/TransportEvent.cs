using Reliably.Rx.Protocol;

namespace Reliably.Rx.Transport;

/// <summary>What a transport reports.</summary>
internal enum TransportEventKind
{
    /// <summary>The socket is open; CONNECTED is awaited.</summary>
    Opened,

    /// <summary>A frame that could not be decoded: <see cref="TransportEvent.Error"/>. The transport stays open.</summary>
    FrameError,

    /// <summary>The socket closed or could not be opened: <see cref="TransportEvent.Error"/> says why.</summary>
    Closed,
}

/// <summary>
/// One transport event other than a decoded frame: a decoded frame reaches the loop as its <see cref="ProtocolMessage"/>
/// itself, with no event object around it (one allocation less per received frame).
/// </summary>
internal sealed class TransportEvent
{
    private TransportEvent(TransportEventKind kind, ErrorInfo? error, bool connectFailure)
    {
        Kind = kind;
        Error = error;
        IsConnectFailure = connectFailure;
    }

    public static TransportEvent Opened { get; } = new(TransportEventKind.Opened, null, false);

    public TransportEventKind Kind { get; }

    public ErrorInfo? Error { get; }

    /// <summary>True when the socket never opened (refused, unreachable, handshake failed): a qualifying error for fallback hosts (RTN17f).</summary>
    public bool IsConnectFailure { get; }

    public static TransportEvent Malformed(ErrorInfo error) => new(TransportEventKind.FrameError, error, false);

    public static TransportEvent Closed(ErrorInfo error, bool connectFailure = false) => new(TransportEventKind.Closed, error, connectFailure);

    public override string ToString() => Kind + (Error is null ? string.Empty : " " + Error);
}
