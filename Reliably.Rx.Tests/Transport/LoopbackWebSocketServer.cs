using System.Net;
using System.Net.WebSockets;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// A one-connection WebSocket server on loopback (HttpListener) for the transport tests. It echoes every data frame with
/// its type, except these text commands: <c>close</c> closes the socket normally; <c>abort</c> drops it without a close
/// frame; <c>fragment:TEXT</c> sends TEXT back as a text message in three fragments; <c>burst:N</c> sends N numbered
/// binary messages back to back. When the client closes, the server sends one more frame, then answers the close.
/// </summary>
internal sealed class LoopbackWebSocketServer : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly HttpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _accept = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _refuse;
    private readonly Task _serving;

    private LoopbackWebSocketServer(HttpListener listener, Uri uri, bool holdHandshake, bool refuse)
    {
        _listener = listener;
        _refuse = refuse;
        Uri = uri;
        if (!holdHandshake)
        {
            _accept.TrySetResult();
        }

        _serving = ServeAsync();
    }

    public Uri Uri { get; }

    /// <summary>Completes when the server's side of the connection has ended (or never started).</summary>
    public Task Ended => _serving;

    /// <summary>Completes when the client's upgrade request has arrived.</summary>
    public Task Requested => _requested.Task;

    /// <summary>The close status the client sent, if it sent one.</summary>
    public WebSocketCloseStatus? ClientCloseStatus { get; private set; }

    /// <param name="holdHandshake">Accept the upgrade only after <see cref="ReleaseHandshake"/>.</param>
    /// <param name="refuse">Answer the upgrade request with 403 instead.</param>
    public static LoopbackWebSocketServer Start(bool holdHandshake = false, bool refuse = false)
    {
        var listener = LoopbackPorts.StartHttpListener(out var port);
        return new LoopbackWebSocketServer(listener, new Uri($"ws://127.0.0.1:{port}/"), holdHandshake, refuse);
    }

    public void ReleaseHandshake() => _accept.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _accept.TrySetResult();
        _listener.Stop();
        try
        {
            await _serving.WaitAsync(Wait);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Stopped while a socket was open: the echo loop ends with the listener.
        }

        _listener.Close();
        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        HttpListenerContext context;
        try
        {
            context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
            _requested.TrySetResult();
            await _accept.Task;
        }
        catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
        {
            return;
        }

        if (_refuse)
        {
            context.Response.StatusCode = 403;
            context.Response.Close();
            return;
        }

        WebSocket ws;
        try
        {
            ws = (await context.AcceptWebSocketAsync(subProtocol: null)).WebSocket;
        }
        catch (Exception) when (!_stop.IsCancellationRequested)
        {
            return; // the client went away during the handshake
        }

        using (ws)
        {
            try
            {
                await EchoAsync(ws);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                // The client dropped the connection.
            }
        }
    }

    private async Task EchoAsync(WebSocket ws)
    {
        var buffer = new byte[256 * 1024];
        while (ws.State == WebSocketState.Open && !_stop.IsCancellationRequested)
        {
            var length = 0;
            WebSocketReceiveResult result;
            do
            {
                result = await ws.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), _stop.Token);
                length += result.Count;
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                ClientCloseStatus = result.CloseStatus;
                await ws.SendAsync("late"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
                await ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", _stop.Token);
                return;
            }

            var text = result.MessageType == WebSocketMessageType.Text ? System.Text.Encoding.UTF8.GetString(buffer, 0, length) : null;
            if (text == "close")
            {
                await ws.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", _stop.Token);
                return;
            }

            if (text == "abort")
            {
                ws.Abort();
                return;
            }

            if (text?.StartsWith("fragment:", StringComparison.Ordinal) == true)
            {
                var payload = System.Text.Encoding.UTF8.GetBytes(text["fragment:".Length..]);
                var third = payload.Length / 3;
                await ws.SendAsync(new ArraySegment<byte>(payload, 0, third), WebSocketMessageType.Text, endOfMessage: false, _stop.Token);
                await ws.SendAsync(new ArraySegment<byte>(payload, third, third), WebSocketMessageType.Text, endOfMessage: false, _stop.Token);
                await ws.SendAsync(new ArraySegment<byte>(payload, 2 * third, payload.Length - (2 * third)), WebSocketMessageType.Text, endOfMessage: true, _stop.Token);
                continue;
            }

            if (text?.StartsWith("burst:", StringComparison.Ordinal) == true)
            {
                for (var i = 0; i < int.Parse(text["burst:".Length..], System.Globalization.CultureInfo.InvariantCulture); i++)
                {
                    await ws.SendAsync(BitConverter.GetBytes(i), WebSocketMessageType.Binary, endOfMessage: true, _stop.Token);
                }

                continue;
            }

            await ws.SendAsync(new ArraySegment<byte>(buffer, 0, length), result.MessageType, endOfMessage: true, _stop.Token);
        }
    }
}
