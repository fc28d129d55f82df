using System.Buffers;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Benchmarks.Pipeline;

/// <summary>
/// An in-memory frame transport that plays a minimal server for the pipeline benchmarks: CONNECTED on connect, ATTACHED
/// for ATTACH, an ACK for every MESSAGE (emitted from inside <c>Send</c>, so it reaches the loop as a new turn, like a
/// frame from the socket would). Every frame is a real encoded frame: the client's encode cost on the way out, its
/// decode cost on the way in (ACKs included); the "server" only peeks at the action of a MESSAGE. No sockets, no
/// Websocket.Client. With <c>receiveLoop</c> the replies are instead handed to an async receive loop of their own, in
/// order, as a socket's receive loop would deliver them (the loop then gets them from another thread).
/// </summary>
internal sealed class LoopbackTransport : ITransport
{
    private readonly ITransportListener _listener;
    private readonly IProtocolCodec _codec;
    private readonly TransportFrameKind _kind;
    private readonly ArrayBufferWriter<byte> _reply = new(256);
    private readonly System.Threading.Channels.Channel<byte[]>? _received;
    private long _nextSerial;

    public LoopbackTransport(Uri uri, TransportFrameKind kind, ITransportListener listener, bool receiveLoop = false)
    {
        Uri = uri;
        _kind = kind;
        _listener = listener;
        _codec = ProtocolCodecs.For(kind == TransportFrameKind.Binary ? WireFormat.MsgPack : WireFormat.Json);
        if (receiveLoop)
        {
            _received = System.Threading.Channels.Channel.CreateUnbounded<byte[]>(new() { SingleReader = true });
            _ = Task.Run(ReceiveLoopAsync);
        }
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
        lock (_reply)
        {
            // The "server" spends as little as it can, so the benchmark measures the client: a MESSAGE (action 15, the
            // first field the codecs write) is ACKed by counting, as msgSerials run from 0 on one connection; anything
            // else is decoded.
            if (IsMessage(frame.Span))
            {
                Reply(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = _nextSerial++, Count = 1 });
                return;
            }

            var message = _codec.ReadProtocolMessage(frame);
            switch (message.Action)
            {
                case ProtocolAction.Message:
                    _nextSerial = (message.MsgSerial ?? _nextSerial) + 1;
                    Reply(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = _nextSerial - 1, Count = 1 });
                    break;
                case ProtocolAction.Attach:
                    Reply(new ProtocolMessage(ProtocolAction.Attached, message.Channel) { ChannelSerial = "bench-serial" });
                    break;
            }
        }
    }

    // msgpack: a fixmap, then the key "action" (fixstr of 6), then the positive fixint 15.
    private static ReadOnlySpan<byte> MsgPackActionKey => [0xa6, (byte)'a', (byte)'c', (byte)'t', (byte)'i', (byte)'o', (byte)'n'];

    private static bool IsMessage(ReadOnlySpan<byte> frame) =>
        frame.StartsWith("{\"action\":15,"u8) || (frame.Length > 9 && (frame[0] & 0xf0) == 0x80 && frame[1..8].SequenceEqual(MsgPackActionKey) && frame[8] == 15);

    /// <summary>A frame from the "socket", decoded by the client as the WebSocket transport's frames are.</summary>
    public void Receive(ReadOnlyMemory<byte> frame) => _listener.OnFrame(frame, _kind);

    public void Close() => _received?.Writer.TryComplete();

    private async Task ReceiveLoopAsync()
    {
        await foreach (var frame in _received!.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            _listener.OnFrame(frame, _kind);
        }
    }

    public void Dispose()
    {
    }

    private void Reply(ProtocolMessage message)
    {
        _reply.ResetWrittenCount();
        _codec.WriteProtocolMessage(message, _reply);
        if (_received is not null)
        {
            _received.Writer.TryWrite(_reply.WrittenMemory.ToArray());
            return;
        }

        _listener.OnFrame(_reply.WrittenMemory, _kind);
    }
}

/// <summary>Creates <see cref="LoopbackTransport"/>s and remembers the last one.</summary>
internal sealed class LoopbackTransportFactory(bool receiveLoop = false) : ITransportFactory
{
    public LoopbackTransport? Last { get; private set; }

    public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener) =>
        Last = new LoopbackTransport(uri, frameKind, listener, receiveLoop);
}
