using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// The WebSocket under <see cref="RawWebSocketClient"/>, built by hand on a TCP socket so that the emulator's ceiling
/// probe costs as little as a client can (RFC 6455): the upgrade request, each message written as one masked frame in
/// one socket send (as a WebSocket client sends it), and the server's unmasked frames read from a buffer that takes
/// whatever the socket has. The mask keys come from a non-cryptographic generator: the probe talks to a local emulator,
/// and <see cref="ClientWebSocket"/>'s cryptographic key per frame was a twelfth of the whole process's CPU in the raw
/// publish profile. Sends from one task and receives from another may overlap; two sends may not, nor two receives.
/// </summary>
internal sealed class RawWebSocket : IDisposable
{
    private const byte Fin = 0x80;
    private const byte MaskBit = 0x80;
    private const byte OpcodeText = 0x1;
    private const byte OpcodeBinary = 0x2;
    private const byte OpcodeClose = 0x8;
    private const byte OpcodePing = 0x9;
    private const byte OpcodePong = 0xA;

    private readonly Socket _socket;
    private byte[] _frame = new byte[1024];
    private byte[] _receive = new byte[64 * 1024];
    private int _start;
    private int _end;
    private uint _mask = (uint)Random.Shared.Next() | 1;

    private RawWebSocket(Socket socket) => _socket = socket;

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> and upgrades the request for <paramref name="pathAndQuery"/>.</summary>
    public static async Task<RawWebSocket> ConnectAsync(int port, string pathAndQuery, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var webSocket = new RawWebSocket(socket);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).ConfigureAwait(false);
            var key = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
            var request = Encoding.ASCII.GetBytes(
                $"GET {pathAndQuery} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
            await webSocket.SendAllAsync(request, cancellationToken).ConfigureAwait(false);
            await webSocket.ReadHandshakeAsync(cancellationToken).ConfigureAwait(false);
            return webSocket;
        }
        catch
        {
            webSocket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one whole message as one masked frame.</summary>
    public ValueTask SendAsync(ReadOnlySpan<byte> payload, bool binary, CancellationToken cancellationToken) =>
        SendFrameAsync(binary ? OpcodeBinary : OpcodeText, payload, cancellationToken);

    /// <summary>
    /// The payload of the next data message, valid until the next call; a server close frame ends the connection with a
    /// <see cref="WebSocketException"/>, pings and pongs are skipped (the emulator sends none with protocol heartbeats).
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTakeFrame(out var opcode, out var payload))
            {
                if (opcode == OpcodeClose)
                {
                    throw new WebSocketException("Closed by the server.");
                }

                if (opcode is OpcodeText or OpcodeBinary)
                {
                    return payload;
                }

                continue;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a close frame (status 1000), best effort.</summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SendFrameAsync(OpcodeClose, [0x03, 0xE8], cancellationToken).ConfigureAwait(false);
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The emulator drops the connection either way.
        }
    }

    public void Dispose() => _socket.Dispose();

    private ValueTask SendFrameAsync(byte opcode, ReadOnlySpan<byte> payload, CancellationToken cancellationToken)
    {
        var header = payload.Length < 126 ? 2 : payload.Length <= ushort.MaxValue ? 4 : 10;
        var length = header + 4 + payload.Length;
        if (_frame.Length < length)
        {
            _frame = new byte[Math.Max(length, _frame.Length * 2)];
        }

        var frame = _frame.AsSpan(0, length);
        frame[0] = (byte)(Fin | opcode);
        if (header == 2)
        {
            frame[1] = (byte)(MaskBit | payload.Length);
        }
        else if (header == 4)
        {
            frame[1] = MaskBit | 126;
            BinaryPrimitives.WriteUInt16BigEndian(frame[2..], (ushort)payload.Length);
        }
        else
        {
            frame[1] = MaskBit | 127;
            BinaryPrimitives.WriteUInt64BigEndian(frame[2..], (ulong)payload.Length);
        }

        // xorshift32: a fresh key per frame, cheaply.
        _mask ^= _mask << 13;
        _mask ^= _mask >> 17;
        _mask ^= _mask << 5;
        var key = frame.Slice(header, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(key, _mask);
        var masked = frame[(header + 4)..];
        for (var i = 0; i < payload.Length; i++)
        {
            masked[i] = (byte)(payload[i] ^ key[i & 3]);
        }

        return SendAllAsync(_frame.AsMemory(0, length), cancellationToken);
    }

    private async ValueTask SendAllAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    private async Task ReadHandshakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var end = _receive.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(_receive, _start, end);
                if (!head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
                {
                    throw new WebSocketException($"The upgrade was refused: {head.Split('\r')[0]}");
                }

                // Whatever follows the response is the first frames.
                _start += end + 4;
                return;
            }

            await FillAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private bool TryTakeFrame(out byte opcode, out ReadOnlyMemory<byte> payload)
    {
        opcode = 0;
        payload = default;
        var available = _receive.AsSpan(_start, _end - _start);
        if (available.Length < 2)
        {
            return false;
        }

        if ((available[0] & Fin) == 0 || (available[1] & MaskBit) != 0)
        {
            throw new WebSocketException("A fragmented or masked frame from the server.");
        }

        var (header, length) = (available[1] & 0x7F) switch
        {
            126 when available.Length >= 4 => (4, (long)BinaryPrimitives.ReadUInt16BigEndian(available[2..])),
            127 when available.Length >= 10 => (10, (long)BinaryPrimitives.ReadUInt64BigEndian(available[2..])),
            126 or 127 => (0, 0L),
            var small => (2, (long)small),
        };
        if (header == 0 || available.Length < header + length)
        {
            return false;
        }

        opcode = (byte)(available[0] & 0x0F);
        payload = _receive.AsMemory(_start + header, (int)length);
        _start += header + (int)length;
        return true;
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            // Move the partial frame to the front (the payload handed out before is no longer in use).
            _receive.AsSpan(_start, _end - _start).CopyTo(_receive);
            _end -= _start;
            _start = 0;
        }

        if (_end == _receive.Length)
        {
            Array.Resize(ref _receive, _receive.Length * 2);
        }

        var read = await _socket.ReceiveAsync(_receive.AsMemory(_end), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            throw new WebSocketException("The connection was closed.");
        }

        _end += read;
    }
}
