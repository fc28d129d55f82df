using System.Net.Security;
using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Transport;

/// <summary>
/// Creates the production WebSocket transport that <see cref="ClientOptions.RealtimeTransport"/> names: a
/// <see cref="WebSocketTransport"/> (Websocket.Client, the default) or a <see cref="ClientWebSocketTransport"/> (the
/// runtime's ClientWebSocket alone), both with the pinned server certificates of the options when there are any.
/// </summary>
internal sealed class WebSocketTransportFactory : ITransportFactory
{
    private readonly ILogger _logger;
    private readonly RemoteCertificateValidationCallback? _certificateValidation;

    public WebSocketTransportFactory(ILogger logger, RemoteCertificateValidationCallback? certificateValidation = null, RealtimeTransportKind kind = RealtimeTransportKind.WebsocketClient)
    {
        _logger = logger;
        _certificateValidation = certificateValidation;
        Kind = kind;
    }

    /// <summary>Which transport this factory creates.</summary>
    public RealtimeTransportKind Kind { get; }

    public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener) => Kind == RealtimeTransportKind.ClientWebSocket
        ? new ClientWebSocketTransport(uri, listener, _logger, _certificateValidation)
        : new WebSocketTransport(uri, listener, _logger, _certificateValidation);
}
