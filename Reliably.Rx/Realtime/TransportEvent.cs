using Reliably.Rx.Protocol;

namespace Reliably.Rx.Transport;

/// <summary>What a transport reports.</summary>
internal enum TransportEventKind
{
    /// <summary>The socket is open; CONNECTED is awaited.</summary>
    Opened,

    /// <summary>A decoded frame: <see cref="TransportEvent.Message"/>.</summary>
    Message,

    /// <summary>A frame that could not be decoded: <see cref="TransportEvent.Error"/>. The transport stays open.</summary>
    FrameError,

    /// <summary>The socket closed or could not be opened: <see cref="TransportEvent.Error"/> says why.</summary>
    Closed,
}

/// <summary>One transport event.</summary>
internal sealed class TransportEvent
{
    private TransportEvent(TransportEventKind kind, ProtocolMessage? message, ErrorInfo? error, bool connectFailure)
    {
        Kind = kind;
        Message = message;
        Error = error;
        IsConnectFailure = connectFailure;
    }

    public static TransportEvent Opened { get; } = new(TransportEventKind.Opened, null, null, false);

    public TransportEventKind Kind { get; }

    public ProtocolMessage? Message { get; }

    public ErrorInfo? Error { get; }

    /// <summary>True when the socket never opened (refused, unreachable, handshake failed): a qualifying error for fallback hosts (RTN17f).</summary>
    public bool IsConnectFailure { get; }

    public static TransportEvent Received(ProtocolMessage message) => new(TransportEventKind.Message, message, null, false);

    public static TransportEvent Malformed(ErrorInfo error) => new(TransportEventKind.FrameError, null, error, false);

    public static TransportEvent Closed(ErrorInfo error, bool connectFailure = false) => new(TransportEventKind.Closed, null, error, connectFailure);

    public override string ToString() => Kind switch
    {
        TransportEventKind.Message => "Message " + Message,
        _ => Kind + (Error is null ? string.Empty : " " + Error),
    };
}
