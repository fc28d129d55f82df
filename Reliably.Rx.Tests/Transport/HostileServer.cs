using System.Net;
using System.Net.Sockets;
using System.Text;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// A WebSocket server on loopback that does what a test scripts, byte for byte, for the hostile-server transport tests:
/// raw TCP on 127.0.0.1, one connection; it reads the client's upgrade request and answers with whatever the test makes
/// of the request's key (a valid 101 by default, or a wrong one, or an HTTP error), then hands the connection to the test
/// (<see cref="HostileConnection"/>), which writes frames (whole, one byte per TCP write, or cut mid-frame), stops
/// reading, half-closes or resets it. It never answers anything by itself: no pong, no close handshake.
/// </summary>
internal sealed class HostileServer : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<HostileConnection> _connection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _serving;
    private HostileConnection? _pending;

    private HostileServer(TcpListener listener, Func<string, byte[]> head, bool holdAnswer)
    {
        _listener = listener;
        Uri = new Uri($"ws://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/?key=secret");
        if (!holdAnswer)
        {
            _answer.TrySetResult();
        }

        _serving = ServeAsync(head);
    }

    public Uri Uri { get; }

    /// <summary>The key of the last upgrade request read (for a test that writes the answer itself).</summary>
    public string? LastKey { get; private set; }

    /// <summary>Completes when the client's upgrade request has been read, before it is answered.</summary>
    public Task Requested => _requested.Task;

    /// <summary>
    /// Starts a server that answers the upgrade with <paramref name="head"/> applied to the client's key (a valid 101 when
    /// null); with <paramref name="holdAnswer"/>, only once <see cref="Answer"/> is called.
    /// </summary>
    public static HostileServer Start(Func<string, byte[]>? head = null, bool holdAnswer = false)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new HostileServer(listener, head ?? (key => ValidHead(key)), holdAnswer);
    }

    /// <summary>A valid 101 for the key, with <paramref name="extra"/> header lines (each ending in CRLF).</summary>
    public static byte[] ValidHead(string key, string extra = "") =>
        Encoding.ASCII.GetBytes($"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {WebSocketUpgrade.AcceptFor(key)}\r\n{extra}\r\n");

    /// <summary>Lets a server started with <c>holdAnswer</c> write its answer.</summary>
    public void Answer() => _answer.TrySetResult();

    /// <summary>The connection once its upgrade request has been read, answered or not (for a test that never answers).</summary>
    public async Task<HostileConnection> PendingConnectionAsync()
    {
        await Requested.WaitAsync(Wait);
        return _pending!;
    }

    /// <summary>The connection, once the upgrade request has been answered.</summary>
    public Task<HostileConnection> ConnectionAsync() => _connection.Task.WaitAsync(Wait);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _answer.TrySetResult();
        _listener.Stop();
        try
        {
            await _serving.WaitAsync(Wait);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Stopped before a connection came, or while answering it.
        }

        _ = _connection.Task.Exception;
        _pending?.Dispose();

        _stop.Dispose();
    }

    private async Task ServeAsync(Func<string, byte[]> head)
    {
        try
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            var connection = new HostileConnection(socket);
            _pending = connection;
            var request = await connection.ReadRequestAsync(_stop.Token);
            _requested.TrySetResult();
            await _answer.Task;
            if (request is not null)
            {
                var key = request.Split("\r\n").Single(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.Ordinal))["Sec-WebSocket-Key:".Length..].Trim();
                LastKey = key;
                await connection.WriteAsync(head(key));
            }

            _connection.TrySetResult(connection);
        }
        catch (Exception ex)
        {
            // The test reads it from ConnectionAsync, or DisposeAsync observes it.
            _connection.TrySetException(ex);
        }
    }
}
