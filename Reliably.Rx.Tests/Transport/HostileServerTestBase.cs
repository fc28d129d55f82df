using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// What every hostile-server test shares: both production transports as test cases, opening one against a
/// <see cref="HostileServer"/>, and the contract checks run after each attack: exactly one end report, with a reason,
/// and nothing after it; the client's socket released (the server reads the end of the client's side); and no task
/// exception left unobserved (checked after a forced collection, around each test).
/// </summary>
[NonParallelizable]
public abstract class HostileServerTestBase
{
    /// <summary>Bounds a hang only: every wait is for an event, never for a span of time.</summary>
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    /// <summary>Both transports: the default one (Websocket.Client) runs on the same WebSocket and receive loop.</summary>
    protected static readonly object[] Transports = [RealtimeTransportKind.WebsocketClient, RealtimeTransportKind.ClientWebSocket];

    private readonly List<string> _unobserved = new();

    [SetUp]
    public void WatchUnobservedExceptions()
    {
        // What earlier tests left behind is collected first, so only this test's tasks are reported.
        CollectGarbage();
        lock (_unobserved)
        {
            _unobserved.Clear();
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
    }

    [TearDown]
    public void CheckUnobservedExceptions()
    {
        CollectGarbage();
        TaskScheduler.UnobservedTaskException -= OnUnobserved;
        lock (_unobserved)
        {
            Assert.That(_unobserved, Is.Empty, "task exceptions nobody observed");
        }
    }

    protected static ITransport Create(RealtimeTransportKind transport, Uri uri, ITransportListener listener) =>
        new WebSocketTransportFactory(NullLogger.Instance, certificateValidation: null, transport).Create(uri, TransportFrameKind.Binary, listener);

    /// <summary>A transport open on <paramref name="server"/>'s connection (a valid 101), and that connection.</summary>
    private protected static async Task<(ITransport Transport, HostileConnection Connection)> OpenAsync(RealtimeTransportKind transport, HostileServer server, RecordingTransportListener listener)
    {
        var sut = Create(transport, server.Uri, listener);
        try
        {
            sut.Connect();
            var connection = await server.ConnectionAsync();
            await listener.Opened.Task.WaitAsync(Wait);
            return (sut, connection);
        }
        catch
        {
            sut.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The connection's end as the client reports it (RTN15a: a loss once open): one OnClosed with code 80003 and a
    /// reason containing <paramref name="reasonContains"/> when given. Then the client's close: nothing reported after it,
    /// and the client's side of the connection ends (its socket released). Returns the reason and the frames the client
    /// sent, for checks on its close frame.
    /// </summary>
    private protected static async Task<(ErrorInfo Reason, List<ClientFrame> ClientFrames)> AssertLostOnceAsync(ITransport sut, RecordingTransportListener listener, HostileConnection connection, string? reasonContains = null)
    {
        var reason = await AssertLossReportedAsync(listener, reasonContains);
        var frames = await EndAsync(sut, listener, connection);
        return (reason, frames);
    }

    /// <summary>The loss as the client reports it: one OnClosed, not a connect failure, code 80003, with a reason.</summary>
    private protected static async Task<ErrorInfo> AssertLossReportedAsync(RecordingTransportListener listener, string? reasonContains = null)
    {
        var closed = await listener.Closed.Task.WaitAsync(Wait);
        Assert.That(closed.ConnectFailure, Is.False, "the connection had opened: a loss, not a failure to connect");
        Assert.That(closed.Reason.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(closed.Reason.Message, Is.Not.Empty);
        if (reasonContains is not null)
        {
            Assert.That(closed.Reason.Message, Does.Contain(reasonContains).IgnoreCase);
        }

        return closed.Reason;
    }

    /// <summary>The client closes the transport; its side of the connection ends; nothing broke the listener's contract.</summary>
    private protected static async Task<List<ClientFrame>> EndAsync(ITransport sut, RecordingTransportListener listener, HostileConnection connection)
    {
        sut.Close();
        listener.ClientClosed();
        sut.Dispose();
        var frames = await connection.ReadUntilEndAsync();
        Assert.That(listener.Violations, Is.Empty);
        return frames;
    }

    private static void CollectGarbage()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    private void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
    {
        lock (_unobserved)
        {
            _unobserved.Add(e.Exception.ToString());
        }
    }
}
