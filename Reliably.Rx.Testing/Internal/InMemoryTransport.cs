using System.Reactive.Concurrency;
using Reliably.Rx.Emulator.Internal.Realtime;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Testing.Internal;

/// <summary>
/// The in-memory Ably's realtime transport: a <see cref="VirtualSocket"/> whose server end is the emulator's own
/// connection handling (<see cref="InMemoryServerConnection"/>), through the <see cref="InMemoryNetwork"/> of its Ably.
/// </summary>
internal sealed class InMemoryTransport : VirtualSocket, IInMemoryLink
{
    private readonly InMemoryAbly _ably;
    private InMemoryServerConnection? _server;

    public InMemoryTransport(InMemoryAbly ably, NetworkInterface nic, Uri uri, TransportFrameKind kind, ITransportListener listener)
        : base(ably.Scheduler, uri, kind, listener)
    {
        _ably = ably;
        Nic = nic;
    }

    /// <summary>The client's access to the network.</summary>
    public NetworkInterface Nic { get; }

    /// <summary>The server's connection id once accepted (null before, or when refused).</summary>
    public string? ConnectionId => _server?.Session?.Id;

    /// <summary>No frame flows either way while stalled (a black-holed network); nothing closes.</summary>
    public bool Stalled { get; set; }

    protected override TimeSpan Latency => _ably.Network.Latency;

    /// <summary>The network went down under this connection: both ends learn that it is gone.</summary>
    public void Sever(string why)
    {
        if (Ended)
        {
            return;
        }

        EndFromServer(abort: true, why);
        ServerSideClosed();
    }

    protected override void OnAttempt()
    {
        if (ClosedByClient)
        {
            return;
        }

        if (_ably.Network.IsDown || Nic.IsDown)
        {
            Refuse("Network unreachable (in-memory outage)");
            return;
        }

        _ably.Network.Track(this);

        // The server answers (CONNECTED, or DISCONNECTED/ERROR) from inside Open: the client must learn that the socket is
        // open first, so it is accepted as soon as the server is known to be reachable.
        _server = _ably.Host.Connect(Uri, this, Accept);
        if (_server is null)
        {
            Refuse("Connection refused (injected: unreachable host)");
        }
    }

    protected override void OnClientFrame(byte[] frame, TransportFrameKind kind) =>
        _server?.Receive(frame, kind == TransportFrameKind.Binary);

    protected override void OnClientClosed() => _server?.ClientClosed();

    protected override bool AllowToServer(byte[] frame, TransportFrameKind kind) =>
        !Stalled && _ably.Network.Pass(this, FrameDirection.ToServer, frame, kind);

    protected override bool AllowToClient(byte[] frame, TransportFrameKind kind) =>
        !Stalled && _ably.Network.Pass(this, FrameDirection.ToClient, frame, kind);

    void IInMemoryLink.Deliver(byte[] frame, bool binary) =>
        DeliverToClient(frame, binary ? TransportFrameKind.Binary : TransportFrameKind.Text);

    void IInMemoryLink.Close(bool abort)
    {
        EndFromServer(abort, abort ? "Connection reset by the server" : "Connection closed by the server");

        // The server's session learns of the loss as a socket's receive loop would, a step later.
        ServerSideClosed();
    }

    private void ServerSideClosed()
    {
        var server = _server;
        if (server is not null)
        {
            Scheduler.Schedule(server.ClientClosed);
        }
    }
}
