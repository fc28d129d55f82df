using System.Reactive.Concurrency;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Testing.Internal;

/// <summary>
/// A client transport whose "network" is the test's scheduler: every event crosses it as a scheduled item, after the
/// one-way latency of the moment (at least one scheduler step), in order. The server end is the subclass's: the in-memory
/// Ably hands the frames to the emulator's server, the scriptable server to the test.
/// </summary>
/// <remarks>
/// Delivery is FIFO in each direction even when the latency changes. Once the client has closed the transport, or the
/// connection has ended from the server's side, nothing more reaches the client; an abrupt end (<c>abort</c>) also loses
/// whatever was still in flight towards the client, as a reset TCP connection does. Everything runs on the scheduler's
/// thread.
/// </remarks>
internal abstract class VirtualSocket : ITransport
{
    private readonly ITransportListener _listener;
    private DateTimeOffset _lastToClient;
    private DateTimeOffset _lastToServer;
    private int _toClientGeneration;
    private bool _clientClosed;
    private bool _ended;
    private bool _opened;

    protected VirtualSocket(IScheduler scheduler, Uri uri, TransportFrameKind kind, ITransportListener listener)
    {
        Scheduler = scheduler;
        Uri = uri;
        Kind = kind;
        _listener = listener;
    }

    public IScheduler Scheduler { get; }

    /// <summary>The connection URL, with every connect parameter.</summary>
    public Uri Uri { get; }

    /// <summary>The frame kind the client negotiated (<c>format</c>).</summary>
    public TransportFrameKind Kind { get; }

    /// <summary>True once the client closed this transport.</summary>
    public bool ClosedByClient => _clientClosed;

    /// <summary>True once the connection ended, from either side, or never opened.</summary>
    public bool Ended => _ended || _clientClosed;

    /// <summary>True once the client was told the connection is open.</summary>
    public bool Opened => _opened;

    /// <summary>The one-way latency for the next event.</summary>
    protected abstract TimeSpan Latency { get; }

    public void Connect() => ToServer(OnAttempt);

    public void Send(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        if (Ended || !_opened)
        {
            return;
        }

        var bytes = frame.ToArray();
        if (!AllowToServer(bytes, kind))
        {
            return;
        }

        ToServer(() => OnClientFrame(bytes, kind));
    }

    public void Close()
    {
        if (_clientClosed)
        {
            return;
        }

        _clientClosed = true;
        if (!_ended)
        {
            ToServer(OnClientClosed);
        }
    }

    public void Dispose() => Close();

    // ---- server side ----

    /// <summary>The attempt reached the server (after the latency). The subclass accepts, refuses or ignores it.</summary>
    protected abstract void OnAttempt();

    /// <summary>A frame from the client reached the server.</summary>
    protected abstract void OnClientFrame(byte[] frame, TransportFrameKind kind);

    /// <summary>The client's close reached the server.</summary>
    protected abstract void OnClientClosed();

    /// <summary>A filter on frames leaving the client (a stalled or lossy network); true lets the frame go.</summary>
    protected virtual bool AllowToServer(byte[] frame, TransportFrameKind kind) => true;

    /// <summary>A filter on frames leaving the server; true lets the frame go.</summary>
    protected virtual bool AllowToClient(byte[] frame, TransportFrameKind kind) => true;

    /// <summary>The server accepts the connection: the client learns it is open.</summary>
    protected void Accept()
    {
        _opened = true;
        ToClient(() => _listener.OnOpened());
    }

    /// <summary>The connection cannot be opened (refused, unreachable): a connect failure for the client (RTN17f).</summary>
    protected void Refuse(string why)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        ToClient(() => _listener.OnClosed(new ErrorInfo(ErrorCodes.Disconnected, 400, why), connectFailure: true), final: true);
    }

    /// <summary>One frame from the server to the client.</summary>
    protected void DeliverToClient(byte[] frame, TransportFrameKind kind)
    {
        if (_ended || !AllowToClient(frame, kind))
        {
            return;
        }

        ToClient(() => _listener.OnFrame(frame, kind));
    }

    /// <summary>
    /// The connection ends from the server's side or the network's: after the frames already sent, or at once (losing
    /// those still in flight) when <paramref name="abort"/> is set.
    /// </summary>
    protected void EndFromServer(bool abort, string why)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        if (abort)
        {
            _toClientGeneration++;
            _lastToClient = Scheduler.Now;
        }

        ToClient(() => _listener.OnClosed(new ErrorInfo(ErrorCodes.Disconnected, 400, why), connectFailure: !_opened), final: true);
    }

    private void ToClient(Action deliver, bool final = false)
    {
        var generation = _toClientGeneration;
        _lastToClient = Due(_lastToClient);
        Scheduler.Schedule(_lastToClient, () =>
        {
            // Nothing reaches a client that closed this transport; an abort loses what was still in flight.
            if (!_clientClosed && (generation == _toClientGeneration || final))
            {
                deliver();
            }
        });
    }

    private void ToServer(Action arrive)
    {
        _lastToServer = Due(_lastToServer);
        Scheduler.Schedule(_lastToServer, arrive);
    }

    private DateTimeOffset Due(DateTimeOffset last)
    {
        var due = Scheduler.Now + Latency;
        return due > last ? due : last;
    }
}
