using System.Buffers;
using System.Reactive.Subjects;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Benchmarks.Pipeline;

/// <summary>
/// An in-memory transport that plays a minimal server for the pipeline benchmarks: CONNECTED on connect, ATTACHED for
/// ATTACH, an ACK for every MESSAGE (emitted from inside <c>Send</c>, so it reaches the loop as a new turn, like a frame
/// from the socket would). Every outbound frame is encoded with the real codec (the client's encode cost); the ACK
/// is handed over decoded (ACK decode is in the codec benchmarks). No sockets, no Websocket.Client.
/// </summary>
internal sealed class LoopbackTransport : ITransport
{
    private readonly Subject<TransportEvent> _events = new();
    private readonly IProtocolCodec _codec;
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);

    public LoopbackTransport(Uri uri, IProtocolCodec codec)
    {
        Uri = uri;
        _codec = codec;
    }

    public Uri Uri { get; }

    public IObservable<TransportEvent> Events => _events;

    public void Connect() => ThreadPool.QueueUserWorkItem(_ =>
    {
        _events.OnNext(TransportEvent.Opened);
        _events.OnNext(TransportEvent.Received(new ProtocolMessage(ProtocolAction.Connected)
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
        }));
    });

    public void Send(ProtocolMessage message)
    {
        // Called on the loop only: the buffer needs no lock.
        _buffer.ResetWrittenCount();
        _codec.WriteProtocolMessage(message, _buffer);
        switch (message.Action)
        {
            case ProtocolAction.Message:
                _events.OnNext(TransportEvent.Received(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = message.MsgSerial, Count = 1 }));
                break;
            case ProtocolAction.Attach:
                _events.OnNext(TransportEvent.Received(new ProtocolMessage(ProtocolAction.Attached, message.Channel) { ChannelSerial = "bench-serial" }));
                break;
        }
    }

    /// <summary>A frame from the "socket": decoded with the codec here, as WebSocketTransport.OnFrame does, then emitted.</summary>
    public void Receive(ReadOnlyMemory<byte> frame) => _events.OnNext(TransportEvent.Received(_codec.ReadProtocolMessage(frame)));

    public void Close()
    {
    }

    public void Dispose()
    {
    }
}

/// <summary>Creates <see cref="LoopbackTransport"/>s and remembers the last one.</summary>
internal sealed class LoopbackTransportFactory : ITransportFactory
{
    public LoopbackTransport? Last { get; private set; }

    public ITransport Create(Uri uri, bool binary) =>
        Last = new LoopbackTransport(uri, ProtocolCodecs.For(binary ? WireFormat.MsgPack : WireFormat.Json));
}
