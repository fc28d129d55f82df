using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// The own WebSocket upgrade (<see cref="WebSocketUpgrade"/>) of both transports against a server that writes its response
/// head by hand: a 101 whose <c>Sec-WebSocket-Accept</c> is wrong, whose head is over the limit, or that is not a 101 at
/// all fails the connect (RTN17f) without hanging; the server's first frame in the same write as the head reaches the
/// listener; and the choice between the own upgrade and <c>ClientWebSocket</c> follows the proxy configuration.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class OwnUpgradeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    // Both transports: the default one (Websocket.Client) is given the same WebSocket through its connection factory.
    private static readonly object[] Transports = [RealtimeTransportKind.WebsocketClient, RealtimeTransportKind.ClientWebSocket];

    private static ITransport Create(RealtimeTransportKind transport, Uri uri, ITransportListener listener) =>
        new WebSocketTransportFactory(NullLogger.Instance, certificateValidation: null, transport).Create(uri, TransportFrameKind.Text, listener);

    private static string Head(string accept, string extra = "") =>
        $"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n{extra}\r\n";

    [TestCaseSource(nameof(Transports))]
    public async Task The_servers_first_frame_in_the_same_write_as_the_101_head_is_delivered(RealtimeTransportKind transport)
    {
        // An unmasked text frame straight after the head, in one write, as a server sends CONNECTED.
        await using var server = HandWrittenUpgradeServer.Start(key => [.. Encoding.ASCII.GetBytes(Head(WebSocketUpgrade.AcceptFor(key))), 0x81, 5, .. "hello"u8]);
        var listener = new RecordingTransportListener();
        using var sut = Create(transport, server.Uri, listener);
        sut.Connect();

        var received = await listener.WaitForFramesAsync(1).WaitAsync(Wait);
        Assert.That(Encoding.UTF8.GetString(received[0].Bytes), Is.EqualTo("hello"));
        Assert.That(received[0].Kind, Is.EqualTo(TransportFrameKind.Text));
        Assert.That(listener.Violations, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN17f_a_wrong_Sec_WebSocket_Accept_is_a_connect_failure(RealtimeTransportKind transport)
    {
        await using var server = HandWrittenUpgradeServer.Start(key => Encoding.ASCII.GetBytes(Head(WebSocketUpgrade.AcceptFor(key + "x"))));
        var closed = await ConnectFailureAsync(transport, server.Uri);
        Assert.That(closed.Message, Does.Contain("Sec-WebSocket-Accept"));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN17f_a_status_other_than_101_is_a_connect_failure_naming_the_status(RealtimeTransportKind transport)
    {
        await using var server = HandWrittenUpgradeServer.Start(_ => "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
        var closed = await ConnectFailureAsync(transport, server.Uri);
        Assert.That(closed.Message, Does.Contain("401"));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN17f_a_response_head_over_16_KB_is_a_connect_failure(RealtimeTransportKind transport)
    {
        // A valid 101 but for its size (ClientWebSocket would accept it: its limit is 64 KB), so this also shows that the
        // own upgrade ran.
        var padding = "X-Padding: " + new string('a', 16 * 1024) + "\r\n";
        await using var server = HandWrittenUpgradeServer.Start(key => Encoding.ASCII.GetBytes(Head(WebSocketUpgrade.AcceptFor(key), padding)));
        var closed = await ConnectFailureAsync(transport, server.Uri);
        Assert.That(closed.Message, Does.Contain("longer than"));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task RTN17f_a_head_that_never_ends_fails_at_the_limit_without_waiting_for_more(RealtimeTransportKind transport)
    {
        // The server sends 20 KB of header lines and then nothing, keeping the connection open.
        await using var server = HandWrittenUpgradeServer.Start(_ => Encoding.ASCII.GetBytes("HTTP/1.1 101 Switching Protocols\r\n" + string.Concat(Enumerable.Repeat("X-More: aaaaaaaaaaaaaaaa\r\n", 800))));
        var closed = await ConnectFailureAsync(transport, server.Uri);
        Assert.That(closed.Message, Does.Contain("longer than"));
    }

    [Test]
    public void The_own_upgrade_is_used_only_when_no_proxy_applies_to_the_uri()
    {
        var uri = new Uri("wss://realtime.example.com/?format=msgpack");
        Assert.That(WebSocketUpgrade.IsDirect(uri, proxy: null), Is.True, "no proxy");
        Assert.That(WebSocketUpgrade.IsDirect(uri, new WebProxy()), Is.True, "a proxy with no address");
        Assert.That(WebSocketUpgrade.IsDirect(uri, new WebProxy("http://proxy.example.com:3128")), Is.False, "a proxy");
        Assert.That(WebSocketUpgrade.IsDirect(uri, new WebProxy("http://proxy.example.com:3128", BypassOnLocal: false, ["realtime\\.example\\.com"])), Is.True, "bypassed");
        Assert.That(WebSocketUpgrade.IsDirect(new Uri("ws://127.0.0.1:8080/"), new WebProxy("http://proxy.example.com:3128", BypassOnLocal: true)), Is.True, "loopback bypassed");
        Assert.That(WebSocketUpgrade.IsDirect(uri, new OnlyHttpsProxy()), Is.True, "a wss URI is looked up as https, ws as http");
        Assert.That(WebSocketUpgrade.IsDirect(new Uri("ws://realtime.example.com/"), new OnlyHttpsProxy()), Is.False);
    }

    private static async Task<ErrorInfo> ConnectFailureAsync(RealtimeTransportKind transport, Uri uri)
    {
        var listener = new RecordingTransportListener();
        using var sut = Create(transport, uri, listener);
        sut.Connect();
        var closed = await listener.Closed.Task.WaitAsync(Wait);

        Assert.That(closed.Reason.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(closed.ConnectFailure, Is.True);
        Assert.That(listener.Opened.Task.IsCompleted, Is.False);
        Assert.That(listener.Violations, Is.Empty);
        return closed.Reason;
    }

    /// <summary>A proxy for http URIs only: anything else goes direct (as an https-only environment proxy answers).</summary>
    private sealed class OnlyHttpsProxy : IWebProxy
    {
        public ICredentials? Credentials { get; set; }

        public Uri? GetProxy(Uri destination) => destination.Scheme == Uri.UriSchemeHttp ? new Uri("http://proxy.example.com:3128") : null;

        public bool IsBypassed(Uri host) => false;
    }

    /// <summary>One connection on loopback: reads the upgrade request, writes what the test makes of its key in one write, then holds the connection open.</summary>
    private sealed class HandWrittenUpgradeServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _serving;

        private HandWrittenUpgradeServer(TcpListener listener, Func<string, byte[]> respond)
        {
            _listener = listener;
            Uri = new Uri($"ws://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/?key=secret");
            _serving = ServeAsync(respond);
        }

        public Uri Uri { get; }

        public static HandWrittenUpgradeServer Start(Func<string, byte[]> respond)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new HandWrittenUpgradeServer(listener, respond);
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            try
            {
                await _serving.WaitAsync(Wait);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                // Stopped while the connection was held.
            }

            _stop.Dispose();
        }

        private async Task ServeAsync(Func<string, byte[]> respond)
        {
            using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var stream = client.GetStream();
            var request = new StringBuilder();
            var buffer = new byte[1024];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            var key = request.ToString().Split("\r\n").Single(l => l.StartsWith("Sec-WebSocket-Key:", StringComparison.Ordinal))["Sec-WebSocket-Key:".Length..].Trim();
            await stream.WriteAsync(respond(key), _stop.Token);

            // Holds the connection until the client drops it or the test ends.
            while (await stream.ReadAsync(buffer, _stop.Token) > 0)
            {
            }
        }
    }
}
