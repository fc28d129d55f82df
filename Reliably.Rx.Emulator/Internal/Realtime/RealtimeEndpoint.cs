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
    private readonly Microsoft.Extensions.Logging.ILogger _logger;

    public RealtimeEndpoint(EmulatorServer server, Microsoft.Extensions.Logging.ILogger logger)
    {
        _server = server;
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
        EmulatorError? refusal = null;
        if (_server.Faults.TryConsumeConnectFault(local, out refusal) && refusal is null)
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
            session = Authenticate(parameters, transport, context.Request.IsHttps, refusal);
            await ReceiveLoopAsync(socket, transport, session).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An emulator bug must still surface as an Ably-shaped, diagnosable ERROR rather than a silent close.
            Hosting.EmulatorLog.UnhandledRealtimeError(_logger, ex);
            transport.Enqueue(new OutgoingFrame(new JObject
            {
                ["action"] = Actions.Error,
                ["error"] = ErrorInfo.Create(50000, 500, "Internal emulator error: " + ex.GetType().Name + ": " + ex.Message),
            }));
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

    private Session? Authenticate(ConnectParams parameters, WsTransport transport, bool isTls, EmulatorError? refusal)
    {
        try
        {
            if (parameters.Error is { } error)
            {
                throw error;
            }

            if (refusal is not null)
            {
                // RTN14d: a retryable refusal; the client goes DISCONNECTED and tries again later.
                transport.Enqueue(new OutgoingFrame(new JObject { ["action"] = Actions.Disconnected, ["error"] = refusal.ToJson() }));
                transport.EndAfterFlush();
                return null;
            }

            AuthContext auth;
            if (!string.IsNullOrEmpty(parameters.AccessToken))
            {
                auth = _server.Authenticator.FromToken(parameters.AccessToken, parameters.ClientId);
            }
            else if (!string.IsNullOrEmpty(parameters.Key))
            {
                if (_server.Options.StrictBasicAuth && !isTls)
                {
                    throw Authenticator.InsecureBasic();
                }

                auth = _server.Authenticator.FromKey(parameters.Key, parameters.ClientId);
            }
            else
            {
                throw new AblyException(40106, 401, "No authentication information provided (key or access_token)");
            }

            return _server.Sessions.Connect(auth, transport, parameters.Echo, parameters.Resume ?? parameters.Recover);
        }
        catch (AblyException ex)
        {
            Hosting.EmulatorLog.Refused(_server.Logger, ex.Code, ex.Message);

            // PROTOCOL.md 4.2: on failure, ERROR (no channel) and close.
            transport.Enqueue(new OutgoingFrame(new JObject { ["action"] = Actions.Error, ["error"] = ex.ToErrorInfo() }));
            transport.EndAfterFlush();
            return null;
        }
    }

    private async Task ReceiveLoopAsync(WebSocket socket, WsTransport transport, Session? session)
    {
        var buffer = new byte[16 * 1024];
        var message = new ArrayBufferWriter<byte>(16 * 1024);

        // A frame may be somewhat larger than maxFrameSize before we call it abuse; beyond that it's a connection error.
        var limit = _server.Options.MaxFrameSize * 2L;
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
                    session?.Fail(ErrorInfo.Create(40009, 400, "Maximum frame size exceeded"));
                    return;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (session is { Discarded: false } && ReferenceEquals(session.Transport, transport))
                {
                    await DispatchAsync(session, message.WrittenMemory, result.MessageType).ConfigureAwait(false);
                }

                message.Clear();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Transport gone; the finally in HandleAsync treats it as an abrupt drop.
        }
    }

    private static async Task DispatchAsync(Session session, ReadOnlyMemory<byte> bytes, WebSocketMessageType type)
    {
        JObject pm;
        try
        {
            var format = type == WebSocketMessageType.Text ? WireFormat.Json : WireFormat.MsgPack;
            pm = WireCodec.Decode(bytes, format) as JObject ?? throw new AblyException(40000, 400, "ProtocolMessage must be an object");
        }
        catch (AblyException ex)
        {
            session.Fail(ex.ToErrorInfo());
            return;
        }

        session.Frames.Record(session.Server.Time.GetUtcNow(), true, pm);
        try
        {
            await session.HandleAsync(pm).ConfigureAwait(false);
        }
        catch (AblyException ex)
        {
            session.Fail(ex.ToErrorInfo());
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or ArgumentException or Newtonsoft.Json.JsonException or OverflowException)
        {
            // Malformed field types (e.g. a number where a string belongs) are client errors, not server crashes.
            session.Fail(ErrorInfo.Create(40000, 400, "Invalid ProtocolMessage: " + ex.Message));
        }
    }
}
