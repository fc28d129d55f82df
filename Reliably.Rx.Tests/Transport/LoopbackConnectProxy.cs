using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// An HTTP proxy on 127.0.0.1 for tests, written here: <c>CONNECT host:port</c> opens a tunnel that carries bytes both
/// ways until either side closes; an absolute-URI request (<c>GET http://host:port/path</c>, what the runtime sends for a
/// plain-HTTP target through a proxy) is forwarded to its origin in origin form with <c>Connection: close</c>, one request
/// per connection. It records every request line it is asked (<see cref="Requests"/>) and counts the tunnels it opened;
/// it can require <c>Proxy-Authorization: Basic</c> (407 with <c>Proxy-Authenticate</c> otherwise, on a connection kept
/// open for the retry), can refuse every request with a status of the test's choosing, or can read requests and never
/// answer (a proxy that hangs).
/// </summary>
internal sealed class LoopbackConnectProxy : IAsyncDisposable
{
    private const int MaxHead = 16 * 1024;

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly ConcurrentBag<TcpClient> _connections = new();
    private readonly Task _accepting;
    private readonly string? _expectedAuthorization;
    private readonly int? _refuseWith;
    private readonly bool _silent;
    private int _tunnels;
    private int _forwarded;

    private LoopbackConnectProxy(NetworkCredential? requiredCredentials, int? refuseWith, bool silent)
    {
        _silent = silent;
        _expectedAuthorization = requiredCredentials is null
            ? null
            : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(requiredCredentials.UserName + ":" + requiredCredentials.Password));
        _refuseWith = refuseWith;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's address, for <c>new WebProxy(Address)</c>.</summary>
    public Uri Address { get; }

    /// <summary>Every request line asked so far, in order: <c>CONNECT 127.0.0.1:1234</c>, <c>GET http://127.0.0.1:1234/time</c>.</summary>
    public IReadOnlyList<string> Requests => _requests.ToArray();

    /// <summary>CONNECT requests answered 200 with a tunnel to the target.</summary>
    public int TunnelsOpened => Volatile.Read(ref _tunnels);

    /// <summary>Absolute-URI requests forwarded to their origin.</summary>
    public int Forwarded => Volatile.Read(ref _forwarded);

    /// <summary>
    /// Starts a proxy. With <paramref name="requiredCredentials"/> a request without the matching Basic
    /// <c>Proxy-Authorization</c> gets 407; with <paramref name="refuseWith"/> (403, 502, ...) every request gets that status;
    /// when <paramref name="silent"/>, requests are recorded and never answered (the connection is held until the client drops it).
    /// </summary>
    public static LoopbackConnectProxy Start(NetworkCredential? requiredCredentials = null, int? refuseWith = null, bool silent = false) =>
        new(requiredCredentials, refuseWith, silent);

    /// <summary>A proxy object pointing at this proxy for every host, loopback included.</summary>
    public WebProxy AsWebProxy(ICredentials? credentials = null) =>
        new(Address, BypassOnLocal: false) { Credentials = credentials };

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var connection in _connections)
        {
            connection.Dispose();
        }

        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // The accept loop ends with the listener.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _connections.Add(client);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var buffered = new List<byte>();
            while (true)
            {
                var head = await ReadHeadAsync(stream, buffered);
                if (head is null)
                {
                    return;
                }

                var lines = head.Split("\r\n");
                var requestLine = lines[0].Split(' ');
                _requests.Enqueue(requestLine[0] + " " + requestLine[1]);
                if (_silent)
                {
                    // Held until the client gives up and closes it.
                    while (await stream.ReadAsync(new byte[256], _stop.Token) > 0)
                    {
                    }

                    return;
                }

                if (_refuseWith is { } status)
                {
                    await WriteAsync(stream, $"HTTP/1.1 {status} Refused by the test proxy\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    return;
                }

                if (_expectedAuthorization is not null && Header(lines, "Proxy-Authorization") != _expectedAuthorization)
                {
                    // Kept open: the runtime may retry with credentials on the same connection.
                    await WriteAsync(stream, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n");
                    continue;
                }

                await (requestLine[0] == "CONNECT"
                    ? TunnelAsync(stream, requestLine[1], buffered)
                    : ForwardAsync(stream, requestLine, lines, buffered));
                return;
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Stopped by the test.
        }
        catch (IOException)
        {
            // A side dropped the connection.
        }
        catch (SocketException)
        {
            // Likewise.
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task TunnelAsync(NetworkStream client, string target, List<byte> buffered)
    {
        var colon = target.LastIndexOf(':');
        using var upstream = await ConnectOrNullAsync(target[..colon], int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        if (upstream is null)
        {
            await WriteAsync(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }

        Interlocked.Increment(ref _tunnels);
        await WriteAsync(client, "HTTP/1.1 200 Connection Established\r\n\r\n");
        await PumpAsync(client, upstream.GetStream(), buffered.ToArray());
    }

    private async Task ForwardAsync(NetworkStream client, string[] requestLine, string[] lines, List<byte> buffered)
    {
        var target = new Uri(requestLine[1]);
        using var upstream = await ConnectOrNullAsync(target.Host, target.Port);
        if (upstream is null)
        {
            await WriteAsync(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            return;
        }

        Interlocked.Increment(ref _forwarded);
        var head = new StringBuilder($"{requestLine[0]} {target.PathAndQuery} {requestLine[2]}\r\n");
        foreach (var line in lines.Skip(1))
        {
            var name = line.Split(':', 2)[0].Trim();
            if (!name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) && !name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                head.Append(line).Append("\r\n");
            }
        }

        head.Append("Connection: close\r\n\r\n");
        var origin = upstream.GetStream();
        await WriteAsync(origin, head.ToString());
        await PumpAsync(client, origin, buffered.ToArray());
    }

    private async Task<TcpClient?> ConnectOrNullAsync(string host, int port)
    {
        var upstream = new TcpClient { NoDelay = true };
        try
        {
            await upstream.ConnectAsync(host, port, _stop.Token);
            _connections.Add(upstream);
            return upstream;
        }
        catch (SocketException)
        {
            upstream.Dispose();
            return null;
        }
    }

    /// <summary>Carries bytes both ways (first the client's bytes already read) until either side ends.</summary>
    private async Task PumpAsync(NetworkStream client, NetworkStream upstream, byte[] alreadyRead)
    {
        if (alreadyRead.Length > 0)
        {
            await upstream.WriteAsync(alreadyRead, _stop.Token);
        }

        await Task.WhenAny(CopyAsync(client, upstream), CopyAsync(upstream, client));
    }

    private async Task CopyAsync(Stream from, Stream to)
    {
        try
        {
            await from.CopyToAsync(to, _stop.Token);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // Either side ended: the caller closes both.
        }
    }

    /// <summary>Reads one request head; the bytes after it stay in <paramref name="buffered"/>. Null when the client closed.</summary>
    private async Task<string?> ReadHeadAsync(NetworkStream stream, List<byte> buffered)
    {
        var chunk = new byte[4096];
        while (true)
        {
            var end = IndexOfHeadEnd(buffered);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(buffered.GetRange(0, end).ToArray());
                buffered.RemoveRange(0, end + 4);
                return head;
            }

            if (buffered.Count > MaxHead)
            {
                return null;
            }

            var read = await stream.ReadAsync(chunk, _stop.Token);
            if (read == 0)
            {
                return null;
            }

            buffered.AddRange(chunk.AsSpan(0, read).ToArray());
        }
    }

    private static int IndexOfHeadEnd(List<byte> bytes)
    {
        for (var i = 0; i + 3 < bytes.Count; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }

    private static string? Header(string[] lines, string name) =>
        lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => p[1].Trim()).FirstOrDefault();

    private Task WriteAsync(Stream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text), _stop.Token).AsTask();
}
