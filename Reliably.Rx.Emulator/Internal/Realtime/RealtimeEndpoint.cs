using System.Buffers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Auth;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Realtime;

/// <summary>The realtime WebSocket at path <c>/</c>.</summary>
internal sealed class RealtimeEndpoint
{
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private readonly EmulatorServer _server;
    private readonly RealtimeConnections _connections;
    private readonly Microsoft.Extensions.Logging.ILogger _logger;

    public RealtimeEndpoint(EmulatorServer server, Microsoft.Extensions.Logging.ILogger logger)
    {
        _server = server;
        _connections = new RealtimeConnections(server);
        _logger = logger;
    }

    public static bool IsWebSocketRequest(HttpContext context) =>
        context.Request.Headers.Upgrade.ToString().Contains("websocket", StringComparison.OrdinalIgnoreCase);

    public async Task HandleAsync(HttpContext context)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var key = context.Request.Headers["Sec-WebSocket-Key"].ToString();
        if (upgrade is not { IsUpgradableRequest: true } || string.IsNullOrEmpty(key))
        {
            context.Response.StatusCode = 400;
            return;
        }

        var parameters = ConnectParams.Parse(context.Request.Query);
        var local = context.Connection.LocalIpAddress?.ToString() ?? string.Empty;
        if (_connections.IsUnreachable(local, parameters, out var refusal))
        {
            // An unreachable host: no upgrade, no answer.
            context.Abort();
            return;
        }

        // The upgrade is done by hand (instead of AcceptWebSocketAsync) so the raw stream can be wrapped: the
        // "go silent" fault must also swallow the framework's keep-alive pings.
        context.Response.Headers.Connection = "Upgrade";
        context.Response.Headers.Upgrade = "websocket";
        context.Response.Headers["Sec-WebSocket-Accept"] =
            Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key.Trim() + WebSocketGuid)));
        var opaque = await upgrade.UpgradeAsync().ConfigureAwait(false);
        var stream = new SilenceableStream(opaque);
        var interval = _server.Options.EffectiveHeartbeatInterval;
        var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions
        {
            IsServer = true,

            // RTN23b: with heartbeats=false a WebSocket ping is the server's heartbeat (ably-js counts it as activity).
            KeepAliveInterval = parameters.ProtocolHeartbeats ? TimeSpan.Zero : interval,
#if NET9_0_OR_GREATER
            // A peer that stops answering pings for this long is treated as an abrupt drop (RTN15a server side).
            KeepAliveTimeout = parameters.ProtocolHeartbeats ? Timeout.InfiniteTimeSpan : PingTimeout(interval),
#endif
        });
        var transport = new WsTransport(socket, stream, context, parameters.Format, parameters.ProtocolHeartbeats, _server.Time, interval);
        var writer = transport.RunWriterAsync();
        Session? session = null;
        try
        {
            session = _connections.Accept(parameters, transport, context.Request.IsHttps, refusal);
            await ReceiveLoopAsync(socket, transport, session).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RealtimeConnections.ReportInternalError(_logger, transport, ex);
        }
        finally
        {
            transport.ReceiveEnded.TrySetResult();
            session?.OnTransportLost(transport);
            if (!transport.EndedByServer)
            {
                transport.EndAfterFlush();
            }

            await Task.WhenAny(writer, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
            transport.Abort();
            transport.MarkCompleted();
            socket.Dispose();
        }
    }

    private TimeSpan PingTimeout(TimeSpan interval)
    {
        var idle = interval + _server.Options.MaxIdleInterval + TimeSpan.FromSeconds(10);
        return idle > TimeSpan.FromSeconds(30) ? idle : TimeSpan.FromSeconds(30);
    }

    private async Task ReceiveLoopAsync(WebSocket socket, WsTransport transport, Session? session)
    {
        var buffer = new byte[16 * 1024];
        var message = new ArrayBufferWriter<byte>(16 * 1024);

        var limit = _connections.FrameLimit;

        // Every frame of this loop is read from this transport: set once here, the per-frame assignment in the dispatch
        // finds it already in place instead of copying the execution context for each frame.
        Session.InboundTransport.Value = transport;
        try
        {
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer.AsSpan(0, result.Count));
                if (message.WrittenCount > limit)
                {
                    RealtimeConnections.FailOversizedFrame(session);
                    return;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (RealtimeConnections.IsCurrent(session, transport))
                {
                    var format = result.MessageType == WebSocketMessageType.Text ? WireFormat.Json : WireFormat.MsgPack;
                    await RealtimeConnections.DispatchAsync(session!, transport, message.WrittenMemory, format).ConfigureAwait(false);
                }

                message.Clear();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Transport gone; the finally in HandleAsync treats it as an abrupt drop.
        }
    }
}
