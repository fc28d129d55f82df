using System.Buffers;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Transport;

/// <summary>
/// The codec between the connection loop and a frame transport: outbound ProtocolMessages are encoded (on the loop) and
/// handed to <see cref="ITransport.Send"/>; inbound frames are decoded on the transport's own thread, off the loop, and
/// delivered as the decoded <see cref="ProtocolMessage"/> itself, its channel name the registered channel's own string; everything else the transport reports is a
/// <see cref="TransportEvent"/>. The transport itself never sees a ProtocolMessage.
/// </summary>
internal sealed class ProtocolTransport : ITransportListener
{
    private const int MaxRetainedSendBuffer = 64 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_sendBuffer;

    private readonly IProtocolCodec _codec;
    private readonly TransportFrameKind _kind;
    private readonly Action<object> _deliver;
    private readonly IKnownNames? _channels;
    private ITransport? _transport;
    private volatile bool _ended;

    public ProtocolTransport(Uri uri, bool binary, Action<object> deliver, IKnownNames? channels = null)
    {
        _channels = channels;
        Uri = uri;
        _kind = binary ? TransportFrameKind.Binary : TransportFrameKind.Text;
        _codec = CodecFor(_kind);
        _deliver = deliver;
    }

    /// <summary>The connection URL (it may carry credentials: never logged).</summary>
    public Uri Uri { get; }

    /// <summary>Creates the frame transport through <paramref name="factory"/> and starts connecting it.</summary>
    public void Connect(ITransportFactory factory)
    {
        _transport = factory.Create(Uri, _kind, this) ?? throw new AblyException(ErrorCodes.ConnectionFailed, 400, "The transport factory returned no transport.");
        _transport.Connect();
    }

    /// <summary>Encodes and sends one ProtocolMessage. Throws <see cref="AblyException"/> when it cannot be encoded.</summary>
    public void Send(ProtocolMessage message)
    {
        var transport = _transport;
        if (transport is null || _ended)
        {
            return;
        }

        // Encoded into a reused per-thread buffer (the loop's): the transport copies what it queues.
        var buffer = t_sendBuffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        try
        {
            _codec.WriteProtocolMessage(message, buffer);
            transport.Send(buffer.WrittenMemory, _kind);
        }
        finally
        {
            if (buffer.Capacity > MaxRetainedSendBuffer)
            {
                t_sendBuffer = null;
            }
        }
    }

    /// <summary>Closes and disposes the transport; nothing it reports afterwards is delivered.</summary>
    public void Close()
    {
        _ended = true;
        var transport = _transport;
        if (transport is null)
        {
            return;
        }

        try
        {
            transport.Close();
        }
        finally
        {
            transport.Dispose();
        }
    }

    void ITransportListener.OnOpened()
    {
        if (!_ended)
        {
            _deliver(TransportEvent.Opened);
        }
    }

    void ITransportListener.OnFrame(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        if (_ended)
        {
            return;
        }

        object evt;
        try
        {
            // Decoded here, on the transport's thread: the codec copies every string and byte array out of the frame.
            evt = CodecFor(kind).ReadProtocolMessage(frame, _channels);
        }
        catch (AblyException ex)
        {
            evt = TransportEvent.Malformed(ex.ErrorInfo);
        }
        catch (Exception ex)
        {
            // A codec must only throw AblyException, but a hostile frame must never escape onto the transport's thread.
            evt = TransportEvent.Malformed(new ErrorInfo(ErrorCodes.BadRequest, 400, "Malformed frame: " + ex.GetType().Name));
        }

        _deliver(evt);
    }

    void ITransportListener.OnClosed(ErrorInfo reason, bool connectFailure)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _deliver(TransportEvent.Closed(reason ?? new ErrorInfo(ErrorCodes.Disconnected, 400, "Transport closed."), connectFailure));
    }

    private static IProtocolCodec CodecFor(TransportFrameKind kind) =>
        kind == TransportFrameKind.Binary ? ProtocolCodecs.MsgPack : ProtocolCodecs.Json;
}
