using System.Buffers;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;

namespace Reliably.Rx.Transport;

/// <summary>
/// The RFC 6455 opening handshake written out, for both WebSocket transports when no proxy is in the way: a socket to the URI's
/// host and port, TLS for <c>wss</c> (the host name for SNI and validation, the pinned-certificate callback when there is
/// one), the upgrade request, the 101 response checked (status, <c>Upgrade</c>, <c>Connection</c>,
/// <c>Sec-WebSocket-Accept</c>), then <see cref="WebSocket.CreateFromStream(Stream, WebSocketCreationOptions)"/> on the
/// connection's stream. Unlike <see cref="ClientWebSocket"/> it keeps no HTTP connection (and its two 4 KB buffers) under
/// the WebSocket for the connection's life. No timeout of its own: the connection loop abandons an attempt after
/// realtimeRequestTimeout and cancels it through the token (RTN14b).
/// </summary>
internal static class WebSocketUpgrade
{
    /// <summary>The longest response head accepted; a longer one fails the connect.</summary>
    public const int MaxHeadLength = 16 * 1024;

    private const int FirstReadSize = 1024;

    private static readonly WebSocketCreationOptions ClientOptions = new() { IsServer = false, KeepAliveInterval = TimeSpan.Zero };

    /// <summary>
    /// Whether the connection to <paramref name="uri"/> goes straight to the server: no proxy, or the proxy bypasses the
    /// URI. Only then is the handshake written here; through a proxy <see cref="ClientWebSocket"/> tunnels it.
    /// </summary>
    public static bool IsDirect(Uri uri, IWebProxy? proxy)
    {
        if (proxy is null)
        {
            return true;
        }

        // Proxies are chosen by the HTTP scheme the upgrade starts as.
        var http = new UriBuilder(uri) { Scheme = uri.Scheme == "wss" ? Uri.UriSchemeHttps : Uri.UriSchemeHttp }.Uri;
        if (proxy.IsBypassed(http))
        {
            return true;
        }

        var via = proxy.GetProxy(http);
        return via is null || via == http;
    }

    /// <summary>
    /// The WebSocket both transports run on: the handshake written here when the connection goes straight to the server,
    /// else <see cref="ClientWebSocket"/>'s, which tunnels through the proxy with HTTP CONNECT and answers its 407 with
    /// the proxy's credentials. The proxy is <paramref name="proxy"/> (<see cref="ClientOptions.Proxy"/>), or the system
    /// proxy (<see cref="System.Net.Http.HttpClient.DefaultProxy"/>) when it is null; the choice is made once per
    /// connection attempt. Either way with no WebSocket-level keep-alive pings: they would need a runtime timer per
    /// connection, and liveness is Ably's: the server's heartbeats and the loop's maxIdleInterval watch (RTN23). Throws on
    /// any failure, a proxy's refusal included (the caller reports a connect failure, RTN17f). With the own upgrade, the
    /// stream under the socket batches writes; through a proxy there is no batching (null).
    /// </summary>
    public static async Task<(WebSocket Socket, IWriteBatching? Batching)> OpenAsync(Uri uri, RemoteCertificateValidationCallback? certificateValidation, IWebProxy? proxy, CancellationToken cancellationToken)
    {
        var effective = proxy ?? System.Net.Http.HttpClient.DefaultProxy;
        if (IsDirect(uri, effective))
        {
            return await ConnectAsync(uri, certificateValidation, cancellationToken).ConfigureAwait(false);
        }

        var client = new ClientWebSocket();
        client.Options.KeepAliveInterval = TimeSpan.Zero;
        client.Options.Proxy = effective;
        if (certificateValidation is not null)
        {
            client.Options.RemoteCertificateValidationCallback = certificateValidation;
        }

        try
        {
            await client.ConnectAsync(uri, cancellationToken).ConfigureAwait(false);
            return (client, null);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the WebSocket and returns it with the stream under it; throws on any failure (the caller reports a connect
    /// failure, RTN17f).
    /// </summary>
    public static async Task<(WebSocket Socket, IWriteBatching Batching)> ConnectAsync(Uri uri, RemoteCertificateValidationCallback? certificateValidation, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new DnsEndPoint(uri.IdnHost, uri.Port), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Stream stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            if (uri.Scheme == "wss")
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                var options = new SslClientAuthenticationOptions { TargetHost = uri.IdnHost, RemoteCertificateValidationCallback = certificateValidation };
                await tls.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            }

            var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));

            // The path and query carry the credentials and connect parameters: never logged.
            var request = $"GET {uri.PathAndQuery} HTTP/1.1\r\nHost: {uri.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken).ConfigureAwait(false);
            return await ReadResponseAsync(stream, key, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The key's expected <c>Sec-WebSocket-Accept</c>: SHA-1 of the key and the RFC 6455 GUID, in base64.</summary>
    public static string AcceptFor(string key) =>
        Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    /// <summary>
    /// Reads and checks the response head, then creates the WebSocket on a <see cref="PooledReadStream"/> that starts
    /// with the bytes read after the head (the start of the server's first frame, when it came in the same read).
    /// </summary>
    private static async Task<(WebSocket Socket, IWriteBatching Batching)> ReadResponseAsync(Stream stream, string key, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FirstReadSize);
        try
        {
            var length = 0;
            while (true)
            {
                var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    CheckHead(Encoding.ASCII.GetString(buffer, 0, end), key);
                    var after = new PooledReadStream(stream, buffer.AsSpan(end + 4, length - end - 4));
                    return (WebSocket.CreateFromStream(after, ClientOptions), after);
                }

                if (length >= MaxHeadLength)
                {
                    throw new WebSocketException(WebSocketError.HeaderError, $"The server's response head is longer than {MaxHeadLength} bytes.");
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxHeadLength));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, MaxHeadLength) - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The server closed the connection during the WebSocket handshake.");
                }

                length += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void CheckHead(string head, string key)
    {
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ', 3);
        if (status.Length < 2 || !status[0].StartsWith("HTTP/1.", StringComparison.Ordinal) || status[1] != "101")
        {
            var code = status.Length >= 2 ? status[1] : "none";
            throw new WebSocketException(WebSocketError.NotAWebSocket, $"The server returned status code '{code}' when status code '101' was expected.");
        }

        string? upgrade = null, connection = null, accept = null;
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            {
                upgrade = value;
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                connection = value;
            }
            else if (name.Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase))
            {
                accept = value;
            }
        }

        // RFC 6455 4.1: the client fails the connection unless all three are as the handshake requires.
        if (!"websocket".Equals(upgrade, StringComparison.OrdinalIgnoreCase)
            || connection is null || !connection.Split(',').Any(t => t.Trim().Equals("Upgrade", StringComparison.OrdinalIgnoreCase))
            || accept != AcceptFor(key))
        {
            throw new WebSocketException(WebSocketError.HeaderError, "The server's 101 response is not a valid WebSocket upgrade (Upgrade, Connection or Sec-WebSocket-Accept).");
        }
    }
}
