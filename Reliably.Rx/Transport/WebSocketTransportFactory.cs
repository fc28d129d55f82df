using System.Net;
using System.Net.Security;
using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Transport;

/// <summary>
/// Creates the production WebSocket transport that <see cref="ClientOptions.RealtimeTransport"/> names: a
/// <see cref="WebSocketTransport"/> (Websocket.Client, the default) or a <see cref="ClientWebSocketTransport"/> (the
/// runtime's ClientWebSocket alone), both with the pinned server certificates of the options when there are any and the
/// options' proxy (<see cref="ClientOptions.Proxy"/>; null: the system proxy), and the bound on a graceful close
/// (<see cref="CloseDeadline"/>: the client's scheduler and realtimeRequestTimeout).
/// </summary>
internal sealed class WebSocketTransportFactory : ITransportFactory
{
    private readonly ILogger _logger;
    private readonly RemoteCertificateValidationCallback? _certificateValidation;
    private readonly IWebProxy? _proxy;
    private readonly CloseDeadline _closeDeadline;

    public WebSocketTransportFactory(ILogger logger, RemoteCertificateValidationCallback? certificateValidation = null, RealtimeTransportKind kind = RealtimeTransportKind.WebsocketClient, IWebProxy? proxy = null, CloseDeadline closeDeadline = default)
    {
        _logger = logger;
        _certificateValidation = certificateValidation;
        _proxy = proxy;
        _closeDeadline = closeDeadline;
        Kind = kind;
    }

    /// <summary>Which transport this factory creates.</summary>
    public RealtimeTransportKind Kind { get; }

    public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener) => Kind == RealtimeTransportKind.ClientWebSocket
        ? new ClientWebSocketTransport(uri, listener, _logger, _certificateValidation, _proxy, _closeDeadline)
        : new WebSocketTransport(uri, listener, _logger, _certificateValidation, _proxy, _closeDeadline);
}
