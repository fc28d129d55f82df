using System.Buffers;
using System.Web;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.TestSupport;

/// <summary>
/// An in-memory frame transport for unit tests: records what the client sends (decoded with the client's codec) and
/// lets the test play the server (open, push frames encoded with the codec, push a malformed frame, drop, refuse). No
/// sockets, no threads: events are raised on the test's thread and the client marshals them onto its scheduler.
/// </summary>
internal sealed class FakeTransport : ITransport
{
    private readonly ITransportListener _listener;
    private readonly List<ProtocolMessage> _sent = new();
    private bool _closed;

    public FakeTransport(Uri uri, TransportFrameKind kind, ITransportListener listener)
    {
        Uri = uri;
        Kind = kind;
        _listener = listener;
    }

    public Uri Uri { get; }

    public TransportFrameKind Kind { get; }

    public bool Binary => Kind == TransportFrameKind.Binary;

    private IProtocolCodec Codec => Binary ? ProtocolCodecs.MsgPack : ProtocolCodecs.Json;

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

    void ITransport.Send(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        Assert.That(kind, Is.EqualTo(Kind), "frames are sent in the connection's format");
        var message = Codec.ReadProtocolMessage(frame);
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
        _listener.OnOpened();
        return this;
    }

    /// <summary>A frame from the server, encoded with the client's codec for this connection's format.</summary>
    public FakeTransport Receive(ProtocolMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Codec.WriteProtocolMessage(message, buffer);
        return ReceiveFrame(buffer.WrittenMemory, Kind);
    }

    /// <summary>A raw frame from the server.</summary>
    public FakeTransport ReceiveFrame(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        if (!_closed)
        {
            _listener.OnFrame(frame, kind);
        }

        return this;
    }

    /// <summary>A frame the codec cannot read (an unterminated JSON object, or a truncated msgpack map); <paramref name="label"/> only names it in the test.</summary>
    public FakeTransport ReceiveMalformed(string label = "bad frame")
    {
        byte[] bad = Binary ? [0x85, 0xa6] : "{\"action\":"u8.ToArray();
        return ReceiveFrame(bad, Kind);
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
        _closed = true;
        _listener.OnClosed(new ErrorInfo(ErrorCodes.Disconnected, 400, why), connectFailure: false);
    }

    /// <summary>The socket never opens: refused or unreachable (a qualifying error for fallback, RTN17f).</summary>
    public void Refuse()
    {
        _closed = true;
        _listener.OnClosed(new ErrorInfo(ErrorCodes.Disconnected, 400, "connection refused"), connectFailure: true);
    }

    /// <summary>Sends a frame, then drops the socket, as the server does after DISCONNECTED or ERROR.</summary>
    public void ReceiveAndClose(ProtocolMessage message)
    {
        Receive(message);
        Drop("closed by server");
    }
}
