using System.Buffers;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Benchmarks.Pipeline;

/// <summary>
/// An in-memory frame transport that plays a minimal server for the pipeline benchmarks: CONNECTED on connect, ATTACHED
/// for ATTACH, an ACK for every MESSAGE (emitted from inside <c>Send</c>, so it reaches the loop as a new turn, like a
/// frame from the socket would). Every frame is a real encoded frame: the client's encode cost on the way out, its
/// decode cost on the way in (ACKs included). No sockets, no Websocket.Client.
/// </summary>
internal sealed class LoopbackTransport : ITransport
{
    private readonly ITransportListener _listener;
    private readonly IProtocolCodec _codec;
    private readonly TransportFrameKind _kind;
    private readonly ArrayBufferWriter<byte> _reply = new(256);

    public LoopbackTransport(Uri uri, TransportFrameKind kind, ITransportListener listener)
    {
        Uri = uri;
        _kind = kind;
        _listener = listener;
        _codec = ProtocolCodecs.For(kind == TransportFrameKind.Binary ? WireFormat.MsgPack : WireFormat.Json);
    }

    public Uri Uri { get; }

    public void Connect() => ThreadPool.QueueUserWorkItem(_ =>
    {
        _listener.OnOpened();
        lock (_reply)
        {
            Reply(new ProtocolMessage(ProtocolAction.Connected)
            {
                ConnectionId = "bench-conn",
                ConnectionKey = "bench-key",
                ConnectionDetails = new ConnectionDetails
                {
                    ConnectionKey = "bench-key",
                    ConnectionStateTtl = TimeSpan.FromSeconds(120),
                    MaxIdleInterval = TimeSpan.FromMinutes(10),
                    MaxMessageSize = 65536,
                },
            });
        }
    });

    public void Send(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        // The server side reads only what it needs to answer; the client's encode cost has been paid already.
        var message = _codec.ReadProtocolMessage(frame);
        lock (_reply)
        {
            switch (message.Action)
            {
                case ProtocolAction.Message:
                    Reply(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = message.MsgSerial, Count = 1 });
                    break;
                case ProtocolAction.Attach:
                    Reply(new ProtocolMessage(ProtocolAction.Attached, message.Channel) { ChannelSerial = "bench-serial" });
                    break;
            }
        }
    }

    /// <summary>A frame from the "socket", decoded by the client as the WebSocket transport's frames are.</summary>
    public void Receive(ReadOnlyMemory<byte> frame) => _listener.OnFrame(frame, _kind);

    public void Close()
    {
    }

    public void Dispose()
    {
    }

    private void Reply(ProtocolMessage message)
    {
        _reply.ResetWrittenCount();
        _codec.WriteProtocolMessage(message, _reply);
        _listener.OnFrame(_reply.WrittenMemory, _kind);
    }
}

/// <summary>Creates <see cref="LoopbackTransport"/>s and remembers the last one.</summary>
internal sealed class LoopbackTransportFactory : ITransportFactory
{
    public LoopbackTransport? Last { get; private set; }

    public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener) =>
        Last = new LoopbackTransport(uri, frameKind, listener);
}
