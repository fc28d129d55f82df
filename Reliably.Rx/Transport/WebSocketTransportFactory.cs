using System.Net;
using System.Net.Security;
using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Transport;

/// <summary>
/// Creates the production WebSocket transport that <see cref="ClientOptions.RealtimeTransport"/> names: a
/// <see cref="WebSocketTransport"/> (Websocket.Client, the default) or a <see cref="ClientWebSocketTransport"/> (the
/// runtime's ClientWebSocket alone), both with the pinned server certificates of the options when there are any and the
/// options' proxy (<see cref="ClientOptions.Proxy"/>; null: the system proxy).
/// </summary>
internal sealed class WebSocketTransportFactory : ITransportFactory
{
    private readonly ILogger _logger;
    private readonly RemoteCertificateValidationCallback? _certificateValidation;
    private readonly IWebProxy? _proxy;

    public WebSocketTransportFactory(ILogger logger, RemoteCertificateValidationCallback? certificateValidation = null, RealtimeTransportKind kind = RealtimeTransportKind.WebsocketClient, IWebProxy? proxy = null)
    {
        _logger = logger;
        _certificateValidation = certificateValidation;
        _proxy = proxy;
        Kind = kind;
    }

    /// <summary>Which transport this factory creates.</summary>
    public RealtimeTransportKind Kind { get; }

    public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener) => Kind == RealtimeTransportKind.ClientWebSocket
        ? new ClientWebSocketTransport(uri, listener, _logger, _certificateValidation, _proxy)
        : new WebSocketTransport(uri, listener, _logger, _certificateValidation, _proxy);
}
