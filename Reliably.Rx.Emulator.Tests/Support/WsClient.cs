using System.Net.WebSockets;
using System.Text;
using MessagePack;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Tests.Support;

/// <summary>
/// A raw WebSocket test client. Msgpack goes through MessagePackSerializer's JSON conversion, not the emulator's own
/// codec, so a codec bug in the emulator cannot hide itself. Received frames are buffered; ReceiveUntilAsync consumes the
/// first matching one (earlier non-matching frames stay available).
/// </summary>
public sealed class WsClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly List<JObject> _frames = [];
    private readonly List<byte[]> _rawFrames = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _cts = new();
    private Task? _loop;
    private Exception? _loopError;

    private WsClient(bool msgpack) => MsgPack = msgpack;

    public bool MsgPack { get; }

    public bool Closed { get; private set; }

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(10);

    public static async Task<WsClient> ConnectAsync(Uri baseUri, string query, bool msgpack = false)
    {
        var client = new WsClient(msgpack);
        var ws = new UriBuilder(baseUri) { Scheme = baseUri.Scheme == "https" ? "wss" : "ws", Path = "/" };
        ws.Query = query + (query.Contains("format=") ? string.Empty : "&format=" + (msgpack ? "msgpack" : "json")) + (query.Contains("v=") ? string.Empty : "&v=6");
        client._socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        await client._socket.ConnectAsync(ws.Uri, CancellationToken.None);
        client._loop = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    public static Task<WsClient> ConnectWithKeyAsync(Uri baseUri, string key, bool msgpack = false, string extra = "") =>
        ConnectAsync(baseUri, "key=" + Uri.EscapeDataString(key) + extra, msgpack);

    public async Task SendAsync(JObject message)
    {
        if (MsgPack)
        {
            var bytes = MessagePackSerializer.ConvertFromJson(message.ToString(Formatting.None));
            await _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);
        }
        else
        {
            await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToString(Formatting.None)), WebSocketMessageType.Text, true, CancellationToken.None);
        }
    }

    public Task SendRawAsync(byte[] bytes, WebSocketMessageType type) => _socket.SendAsync(bytes, type, true, CancellationToken.None);

    public Task SendAsync(string json) => SendAsync(JObject.Parse(json));

    /// <summary>Waits for (and consumes) the first frame matching <paramref name="predicate"/>.</summary>
    public async Task<JObject> ReceiveUntilAsync(Func<JObject, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            lock (_frames)
            {
                var index = _frames.FindIndex(f => predicate(f));
                if (index >= 0)
                {
                    var frame = _frames[index];
                    _frames.RemoveAt(index);
                    return frame;
                }

                if (Closed)
                {
                    throw new InvalidOperationException($"Socket closed ({_socket.CloseStatus} {_socket.CloseStatusDescription}; {_loopError?.GetType().Name}: {_loopError?.Message}) before the expected frame arrived. Frames: " + Dump());
                }
            }

            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero || !await _signal.WaitAsync(remaining))
            {
                lock (_frames)
                {
                    throw new TimeoutException("Expected frame did not arrive. Unconsumed frames: " + Dump());
                }
            }
        }
    }

    public Task<JObject> ReceiveActionAsync(int action, string? channel = null, TimeSpan? timeout = null) =>
        ReceiveUntilAsync(f => f.Value<int>("action") == action && (channel is null || f.Value<string>("channel") == channel), timeout);

    /// <summary>Waits until the server closes the socket.</summary>
    public async Task WaitClosedAsync(TimeSpan? timeout = null)
    {
        var task = _loop ?? Task.CompletedTask;
        if (await Task.WhenAny(task, Task.Delay(timeout ?? DefaultTimeout)) != task)
        {
            throw new TimeoutException("Socket was not closed by the server");
        }
    }

    /// <summary>Frames received so far and not consumed.</summary>
    public List<JObject> Pending()
    {
        lock (_frames)
        {
            return [.. _frames];
        }
    }

    /// <summary>Discards every buffered frame.</summary>
    public void Drain()
    {
        lock (_frames)
        {
            _frames.Clear();
        }
    }

    /// <summary>Raw bytes of every binary frame received (msgpack), for byte-level assertions.</summary>
    public List<byte[]> RawFrames()
    {
        lock (_frames)
        {
            return [.. _rawFrames];
        }
    }

    public void Abort() => _socket.Abort();

    public async ValueTask DisposeAsync()
    {
        _cts.Cancel();
        _socket.Abort();
        if (_loop is not null)
        {
            await Task.WhenAny(_loop, Task.Delay(1000));
        }

        _socket.Dispose();
        _cts.Dispose();
    }

    private string Dump() => string.Join("\n", _frames.Select(f => f.ToString(Formatting.None)));

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!_cts.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var bytes = message.ToArray();
                message.SetLength(0);
                var json = result.MessageType == WebSocketMessageType.Binary
                    ? MessagePackSerializer.ConvertToJson(bytes)
                    : Encoding.UTF8.GetString(bytes);
                var frame = JObject.Parse(json, new JsonLoadSettings());
                lock (_frames)
                {
                    _frames.Add(frame);
                    if (result.MessageType == WebSocketMessageType.Binary)
                    {
                        _rawFrames.Add(bytes);
                    }
                }

                _signal.Release();
            }
        }
        catch (Exception ex)
        {
            // Closed (or an undecodable frame): remembered for the failure message.
            _loopError = ex;
        }
        finally
        {
            lock (_frames)
            {
                Closed = true;
            }

            _signal.Release();
        }
    }
}
