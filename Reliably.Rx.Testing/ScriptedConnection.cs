using System.Web;
using Reliably.Rx.Testing.Internal;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Testing;

/// <summary>
/// One realtime connection attempt reaching a <see cref="ScriptedAbly"/>, and then, once accepted, the connection. The
/// test answers it (<see cref="RespondWithSuccess"/>, <see cref="Refuse"/>, <see cref="RespondWithError"/>, or nothing
/// at all for a timeout), sees every frame the client sends, sends frames of its choosing, and closes or drops it.
/// Everything happens on the scheduler, after the network latency.
/// </summary>
public sealed class ScriptedConnection
{
    private readonly List<ProtocolFrame> _fromClient = new();
    private readonly Socket _socket;

    internal ScriptedConnection(ScriptedAbly server, Socket socket, int index)
    {
        Server = server;
        _socket = socket;
        Index = index;
        AttemptedAt = server.Scheduler.Now;
    }

    /// <summary>The server this attempt reached.</summary>
    public ScriptedAbly Server { get; }

    /// <summary>0 for the first attempt the server saw, then 1, 2, ...</summary>
    public int Index { get; }

    /// <summary>When the attempt reached the server (scheduler time).</summary>
    public DateTimeOffset AttemptedAt { get; }

    /// <summary>The connection URL: host, and every connect parameter in the query.</summary>
    public Uri Uri => _socket.Uri;

    /// <summary>The host the client tried (the primary, or a fallback host).</summary>
    public string Host => _socket.Uri.Host;

    /// <summary>The frame kind the client negotiated: binary for msgpack, text for JSON.</summary>
    public TransportFrameKind FrameKind => _socket.Kind;

    /// <summary>True once accepted (<see cref="RespondWithSuccess"/>, <see cref="Accept"/>, <see cref="RespondWithError"/>).</summary>
    public bool IsOpen => _socket.Opened && !_socket.Ended;

    /// <summary>True once the client closed its end.</summary>
    public bool ClosedByClient => _socket.ClosedByClient;

    /// <summary>Every frame the client sent on this connection, in order.</summary>
    public IReadOnlyList<ProtocolFrame> FramesFromClient => _fromClient;

    /// <summary>A query parameter of the connection URL (<c>key</c>, <c>resume</c>, <c>format</c>, <c>heartbeats</c>...), or null.</summary>
    /// <param name="name">The parameter's name.</param>
    public string? Param(string name) => HttpUtility.ParseQueryString(Uri.Query)[name];

    /// <summary>The frames of one action the client sent.</summary>
    /// <param name="action">The action.</param>
    public IEnumerable<ProtocolFrame> FramesFromClientOf(ProtocolAction action) => _fromClient.Where(f => f.Action == action);

    /// <summary>Accepts the socket and sends CONNECTED (by default <see cref="ProtocolFrame.Connected"/>'s template).</summary>
    /// <param name="connected">The CONNECTED frame to send.</param>
    public ScriptedConnection RespondWithSuccess(ProtocolFrame? connected = null)
    {
        Accept();
        return Send(connected ?? ProtocolFrame.Connected());
    }

    /// <summary>Accepts the socket without sending anything (the client then waits for CONNECTED, RTN14c).</summary>
    public ScriptedConnection Accept()
    {
        _socket.AcceptNow();
        return this;
    }

    /// <summary>Refuses the connection at the network level (a connect failure, which qualifies for fallback, RTN17f).</summary>
    public void Refuse() => _socket.RefuseNow("Connection refused (scripted)");

    /// <summary>Accepts the socket, sends <paramref name="error"/> (an ERROR or DISCONNECTED), then closes when asked to.</summary>
    /// <param name="error">The frame.</param>
    /// <param name="thenClose">Close after it (what a server does after DISCONNECTED or a connection ERROR).</param>
    public void RespondWithError(ProtocolFrame error, bool thenClose = true)
    {
        Accept();
        Send(error);
        if (thenClose)
        {
            Close();
        }
    }

    /// <summary>Sends one frame to the client.</summary>
    /// <param name="frame">The frame; encoded in the connection's format by the server-side codec.</param>
    public ScriptedConnection Send(ProtocolFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        Server.Record(ScriptedEventKind.FrameToClient, this, frame);
        _socket.SendNow(frame.Encode(FrameKind), FrameKind);
        return this;
    }

    /// <summary>Sends a frame, then closes the connection: what the server does after DISCONNECTED or a connection ERROR.</summary>
    /// <param name="frame">The frame.</param>
    public void SendAndClose(ProtocolFrame frame)
    {
        Send(frame);
        Close();
    }

    /// <summary>Sends raw bytes as one frame (to test the client's handling of malformed frames).</summary>
    /// <param name="bytes">The frame's bytes.</param>
    /// <param name="kind">The frame's kind.</param>
    public ScriptedConnection SendRaw(byte[] bytes, TransportFrameKind kind)
    {
        _socket.SendNow(bytes, kind);
        return this;
    }

    /// <summary>Closes the connection after the frames already sent (a server-side close).</summary>
    public void Close()
    {
        Server.Record(ScriptedEventKind.ServerDisconnect, this, null);
        _socket.EndNow(abort: false);
    }

    /// <summary>Drops the connection at once, without a frame (a transport failure, RTN15a); frames in flight are lost.</summary>
    public void Drop()
    {
        Server.Record(ScriptedEventKind.ServerDisconnect, this, null);
        _socket.EndNow(abort: true);
    }

    /// <summary>A short description, for test output.</summary>
    public override string ToString() => $"connection attempt {Index} to {Host}" + (IsOpen ? " (open)" : string.Empty);

    internal void OnFrameFromClient(ProtocolFrame frame)
    {
        _fromClient.Add(frame);
        Server.Record(ScriptedEventKind.FrameFromClient, this, frame);
        Server.OnFrameFromClient?.Invoke(this, frame);
    }

    internal void OnClientClosed() => Server.Record(ScriptedEventKind.ClientClose, this, null);

    /// <summary>The client transport behind a scripted connection.</summary>
    internal sealed class Socket(ScriptedAbly server, Uri uri, TransportFrameKind kind, ITransportListener listener)
        : VirtualSocket(server.Scheduler, uri, kind, listener)
    {
        private ScriptedConnection? _connection;

        protected override TimeSpan Latency => server.Latency;

        public void AcceptNow() => Accept();

        public void RefuseNow(string why) => Refuse(why);

        public void SendNow(byte[] frame, TransportFrameKind kind) => DeliverToClient(frame, kind);

        public void EndNow(bool abort) => EndFromServer(abort, abort ? "Connection reset (scripted)" : "Connection closed by the server (scripted)");

        protected override void OnAttempt()
        {
            if (!ClosedByClient)
            {
                _connection = server.OnAttempt(this);
            }
        }

        protected override void OnClientFrame(byte[] frame, TransportFrameKind kind)
        {
            ProtocolFrame decoded;
            try
            {
                decoded = ProtocolFrame.Decode(frame, kind);
            }
            catch (FormatException)
            {
                return;
            }

            _connection?.OnFrameFromClient(decoded);
        }

        protected override void OnClientClosed() => _connection?.OnClientClosed();
    }
}
