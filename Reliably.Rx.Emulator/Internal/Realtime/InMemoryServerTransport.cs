using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.Realtime;

/// <summary>
/// The server side of an in-memory connection: frames are encoded as they would be for a WebSocket and handed to the
/// <see cref="IInMemoryLink"/> at once, in order, on the caller's thread. No queue, no writer loop, no thread-pool hop:
/// with a virtual clock (<see cref="EmulatorOptions.TimeProvider"/>) everything happens on the thread that advances it.
/// </summary>
internal sealed class InMemoryServerTransport : IServerTransport
{
    private readonly IInMemoryLink _link;
    private readonly ITimer? _heartbeat;
    private bool _ended;

    public InMemoryServerTransport(IInMemoryLink link, WireFormat format, string localAddress, bool protocolHeartbeats, TimeProvider time, TimeSpan heartbeatInterval)
    {
        _link = link;
        Format = format;
        LocalAddress = localAddress;
        if (protocolHeartbeats)
        {
            // RTN23b: with heartbeats=true the server proves liveness with HEARTBEAT frames.
            var heartbeat = new OutgoingFrame(new JObject { ["action"] = Actions.Heartbeat });
            _heartbeat = time.CreateTimer(_ => Enqueue(heartbeat), null, heartbeatInterval, heartbeatInterval);
        }
    }

    public WireFormat Format { get; }

    public string LocalAddress { get; }

    public Action<OutgoingFrame>? OnSent { get; set; }

    public bool EndedByServer { get; private set; }

    public bool Silenced { get; set; }

    /// <summary>True once the connection has ended, from either side.</summary>
    public bool Ended => _ended;

    public Func<OutgoingFrame, OutgoingFrame?>? Filter { get; set; }

    public void Enqueue(OutgoingFrame frame)
    {
        if (_ended || Silenced || (Filter is null ? frame : Filter(frame)) is not { } sent)
        {
            return;
        }

        _link.Deliver(sent.GetBytes(Format), Format == WireFormat.MsgPack);
        OnSent?.Invoke(sent);
    }

    public void EndAfterFlush()
    {
        EndedByServer = true;
        End(abort: false, notify: true);
    }

    public void Abort() => End(abort: true, notify: true);

    /// <summary>The client closed the connection, or the network lost it: nothing more goes to the link.</summary>
    public void ClientClosed() => End(abort: true, notify: false);

    private void End(bool abort, bool notify)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _heartbeat?.Dispose();
        if (notify)
        {
            _link.Close(abort);
        }
    }
}
