using System.Reactive.Subjects;
using System.Web;
using Reliably.Rx.Protocol;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.TestSupport;

/// <summary>
/// An in-memory transport for unit tests: records what the client sends and lets the test play the server
/// (open, push frames, push a malformed frame, drop, refuse). No sockets, no threads: events are raised on the
/// test's thread and the client marshals them onto its scheduler.
/// </summary>
internal sealed class FakeTransport : ITransport
{
    private readonly Subject<TransportEvent> _events = new();
    private readonly List<ProtocolMessage> _sent = new();

    public FakeTransport(Uri uri, bool binary)
    {
        Uri = uri;
        Binary = binary;
    }

    public Uri Uri { get; }

    public bool Binary { get; }

    public IObservable<TransportEvent> Events => _events;

    public bool ConnectCalled { get; private set; }

    /// <summary>True once the client closed or disposed this transport.</summary>
    public bool ClosedByClient { get; private set; }

    /// <summary>Everything the client sent, in order.</summary>
    public IReadOnlyList<ProtocolMessage> Sent => _sent;

    /// <summary>A query parameter of the connect URL, or null.</summary>
    public string? Param(string name) => HttpUtility.ParseQueryString(Uri.Query)[name];

    public IEnumerable<ProtocolMessage> SentOf(ProtocolAction action) => _sent.Where(m => m.Action == action);

    public Func<ProtocolMessage, Exception?>? FailSend { get; set; }

    /// <summary>Runs when the client calls <c>Connect()</c> (after it subscribed), to script the server's answer.</summary>
    public Action<FakeTransport>? OnConnect { get; set; }

    void ITransport.Connect()
    {
        ConnectCalled = true;
        OnConnect?.Invoke(this);
    }

    void ITransport.Send(ProtocolMessage message)
    {
        if (FailSend?.Invoke(message) is { } ex)
        {
            throw ex;
        }

        _sent.Add(message);
    }

    void ITransport.Close() => ClosedByClient = true;

    void IDisposable.Dispose() => ClosedByClient = true;

    // ---- the test plays the server ----

    public FakeTransport Open()
    {
        _events.OnNext(TransportEvent.Opened);
        return this;
    }

    public FakeTransport Receive(ProtocolMessage message)
    {
        _events.OnNext(TransportEvent.Received(message));
        return this;
    }

    public FakeTransport ReceiveMalformed(string why = "bad frame")
    {
        _events.OnNext(TransportEvent.Malformed(new ErrorInfo(ErrorCodes.BadRequest, 400, why)));
        return this;
    }

    /// <summary>Opens and sends CONNECTED.</summary>
    public FakeTransport Connected(string connectionId = "conn-1", string connectionKey = "key-1", ConnectionDetails? details = null, ErrorInfo? error = null)
    {
        Open();
        return Receive(new ProtocolMessage(ProtocolAction.Connected)
        {
            ConnectionId = connectionId,
            ConnectionKey = connectionKey,
            ConnectionDetails = (details ?? new ConnectionDetails
            {
                ConnectionStateTtl = TimeSpan.FromSeconds(120),
                MaxIdleInterval = TimeSpan.FromSeconds(15),
                MaxMessageSize = 65536,
            }) with { ConnectionKey = connectionKey },
            Error = error,
        });
    }

    /// <summary>The socket drops without a protocol message (RTN15a).</summary>
    public void Drop(string why = "connection reset")
    {
        _events.OnNext(TransportEvent.Closed(new ErrorInfo(ErrorCodes.Disconnected, 400, why)));
        _events.OnCompleted();
    }

    /// <summary>The socket never opens: refused or unreachable (a qualifying error for fallback, RTN17f).</summary>
    public void Refuse()
    {
        _events.OnNext(TransportEvent.Closed(new ErrorInfo(ErrorCodes.Disconnected, 400, "connection refused"), connectFailure: true));
        _events.OnCompleted();
    }

    /// <summary>Sends a frame, then drops the socket, as the server does after DISCONNECTED or ERROR.</summary>
    public void ReceiveAndClose(ProtocolMessage message)
    {
        Receive(message);
        Drop("closed by server");
    }
}
