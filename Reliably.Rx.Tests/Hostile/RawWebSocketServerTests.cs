using System.Net;
using System.Net.WebSockets;
using System.Text;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Hostile;

/// <summary>
/// A scripted WebSocket server on loopback (HttpListener) drives the real WebSocket transport: a server that accepts
/// the socket and never answers, and one that sends garbage, an oversized frame and unknown actions before CONNECTED.
/// </summary>
[TestFixture]
[Category("Hostile")]
[NonParallelizable]
public sealed class RawWebSocketServerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Accepts WebSockets (bounded count) and runs the script on each; returns when stopped.</summary>
    private static async Task ServeAsync(HttpListener listener, Func<WebSocket, int, Task> script, CancellationToken stop)
    {
        for (var n = 0; n < 20 && !stop.IsCancellationRequested; n++)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync().WaitAsync(stop);
            }
            catch (Exception) when (stop.IsCancellationRequested || !listener.IsListening)
            {
                return;
            }

            var ws = (await context.AcceptWebSocketAsync(subProtocol: null)).WebSocket;
            _ = Task.Run(async () =>
            {
                try
                {
                    await script(ws, n);
                }
                catch (Exception) when (stop.IsCancellationRequested || ws.State != WebSocketState.Open)
                {
                    // The client went away; that is what these scripts provoke.
                }
            });
        }
    }

    private static ClientOptions Options(int port) => new()
    {
        Key = "appId.keyId:secret",
        Endpoint = "127.0.0.1",
        Port = port,
        Tls = false,
        AllowInsecureBasicAuth = true,
        UseBinaryProtocol = false,
        RealtimeRequestTimeout = TimeSpan.FromSeconds(1),
        DisconnectedRetryTimeout = TimeSpan.FromSeconds(1),
        FallbackHosts = Array.Empty<string>(),
    };

    private static Task Send(WebSocket ws, string text) =>
        ws.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    [Test]
    public async Task A_server_that_accepts_the_socket_and_never_answers_leads_to_DISCONNECTED_with_a_retry()
    {
        using var listener = LoopbackPorts.StartHttpListener(out var port);
        using var stop = new CancellationTokenSource();
        var accepted = 0;
        var acceptedOne = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = ServeAsync(listener, async (ws, n) =>
        {
            Interlocked.Increment(ref accepted);
            acceptedOne.TrySetResult();
            var buffer = new byte[4096];
            while (ws.State == WebSocketState.Open && !stop.IsCancellationRequested)
            {
                await ws.ReceiveAsync(buffer, stop.Token); // read and never answer
            }
        }, stop.Token);

        await using var client = new AblyRealtime(Options(port) with { AutoConnect = false });
        var disconnected = new TaskCompletionSource<ConnectionStateChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        var retried = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var s = client.Connection.StateChanges.Subscribe(c =>
        {
            // Only a DISCONNECTED after the server has accepted a socket is the one under test: on a loaded machine an
            // attempt can reach its 1 s timeout before the upgrade is accepted, and that attempt met no silent server.
            if (c.Current == ConnectionState.Disconnected && acceptedOne.Task.IsCompleted)
            {
                disconnected.TrySetResult(c);
            }
            else if (c.Current == ConnectionState.Connecting && disconnected.Task.IsCompleted)
            {
                retried.TrySetResult();
            }
        });
        client.Connection.Connect();

        var change = await disconnected.Task.WaitAsync(Wait);
        TestContext.Progress.WriteLine($"[hostile] silent server: {change.Current} {change.Reason} retry in {change.RetryIn}");
        Assert.That(change.Reason?.Code, Is.GreaterThan(0), "the timeout is explained");
        Assert.That(change.RetryIn, Is.Not.Null, "a retry is scheduled");
        await retried.Task.WaitAsync(Wait);
        Assert.That(Volatile.Read(ref accepted), Is.GreaterThanOrEqualTo(1));
        stop.Cancel();
        listener.Stop();
    }

    [Test]
    public async Task Garbage_an_oversized_frame_and_unknown_actions_before_CONNECTED_leave_a_healthy_connection()
    {
        using var listener = LoopbackPorts.StartHttpListener(out var port);
        using var stop = new CancellationTokenSource();
        var server = ServeAsync(listener, async (ws, n) =>
        {
            await Send(ws, "{not json");
            await Send(ws, "\u0000\u0001\u0002");
            await Send(ws, "[1,2,3]");
            await Send(ws, "{\"action\":\"four\"}");
            await Send(ws, "{\"action\":99,\"channel\":\"x\"}");
            await Send(ws, "{\"action\":15,\"channel\":\"nobody\",\"messages\":[{\"name\":\"a\",\"data\":\"b\"}]}");
            await Send(ws, "{\"action\":15,\"channel\":\"nobody\",\"messages\":[{\"name\":\"" + new string('x', 3 * 1024 * 1024) + "\"}]}");
            await Send(ws, "{\"action\":1,\"msgSerial\":42,\"count\":7}");
            await Send(ws, "{\"action\":4,\"connectionId\":\"raw-1\",\"connectionKey\":\"raw-key\",\"connectionDetails\":{\"connectionKey\":\"raw-key\",\"maxIdleInterval\":0,\"connectionStateTtl\":120000,\"maxMessageSize\":65536}}");
            await Send(ws, "{\"action\":4");
            var buffer = new byte[4096];
            while (ws.State == WebSocketState.Open && !stop.IsCancellationRequested)
            {
                await ws.ReceiveAsync(buffer, stop.Token);
            }
        }, stop.Token);

        await using var client = new AblyRealtime(Options(port) with { RealtimeRequestTimeout = TimeSpan.FromSeconds(10) });
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        Assert.That(client.Connection.Id, Is.EqualTo("raw-1"));
        Assert.That(client.Connection.ErrorReason, Is.Null);
        stop.Cancel();
        listener.Stop();
    }
}
