using System.Net;
using System.Net.Sockets;

namespace Reliably.Rx.Tests.TestSupport;

/// <summary>
/// Loopback ports for tests. A port found free and released at once ("bind to 0, read the port, stop") can be given to
/// another listener (another test process, an emulator binding port 0) before the test uses it: a test connecting to it
/// would then reach a stranger instead of a refusal, and a test listening on it would fail to bind. These helpers close
/// both gaps.
/// </summary>
public static class LoopbackPorts
{
    private const int Attempts = 10;

    /// <summary>
    /// A loopback port that refuses every connection for as long as the returned reservation is held: its socket is bound
    /// and never listens, so the kernel answers a connect with a reset, and no other socket can bind the port meanwhile.
    /// </summary>
    public static ClosedPort ReserveClosed() => new();

    /// <summary>
    /// Starts a listener on a free loopback port: <paramref name="start"/> gets a port the system has just handed out and
    /// binds it; when another process took that port in between (the bind throws <see cref="SocketException"/>,
    /// <see cref="HttpListenerException"/> or an <see cref="IOException"/> from Kestrel), it is called again with another.
    /// </summary>
    public static T StartOnFreePort<T>(Func<int, T> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return start(FreePort());
            }
            catch (Exception ex) when (attempt < Attempts && ex is SocketException or HttpListenerException or IOException)
            {
                TestContext.Progress.WriteLine($"[ports] bind failed ({ex.GetType().Name}: {ex.Message}); another port");
            }
        }
    }

    /// <inheritdoc cref="StartOnFreePort{T}(Func{int, T})"/>
    public static async Task<T> StartOnFreePortAsync<T>(Func<int, Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(FreePort()).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < Attempts && ex is SocketException or HttpListenerException or IOException)
            {
                TestContext.Progress.WriteLine($"[ports] bind failed ({ex.GetType().Name}: {ex.Message}); another port");
            }
        }
    }

    /// <summary>An <see cref="HttpListener"/> started on <c>http://127.0.0.1:PORT{path}</c> for a free port (see <see cref="StartOnFreePort{T}(Func{int, T})"/>).</summary>
    public static HttpListener StartHttpListener(out int port, string path = "/")
    {
        (var started, port) = StartOnFreePort(candidate =>
        {
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{candidate}{path}");
            try
            {
                listener.Start();
                return (listener, candidate);
            }
            catch
            {
                listener.Close();
                throw;
            }
        });
        return started;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
