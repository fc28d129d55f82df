using System.Net.Sockets;
using System.Text;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// The server's side of one <see cref="HostileServer"/> connection, driven by the test: writes whatever bytes it is given
/// (at once, or one byte per TCP write), reads the client's frames only when asked (otherwise the client's writes pile
/// up in the kernel until its send buffer is full), half-closes, or resets (linger 0).
/// </summary>
internal sealed class HostileConnection : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly Socket _socket;
    private readonly List<byte> _pending = new();
    private readonly byte[] _chunk = new byte[64 * 1024];

    public HostileConnection(Socket socket)
    {
        _socket = socket;
        _socket.NoDelay = true;
    }

    /// <summary>Writes <paramref name="bytes"/> in one socket write.</summary>
    public Task WriteAsync(byte[] bytes) => WriteAsync(bytes.AsMemory());

    /// <summary>Writes <paramref name="bytes"/> in one socket write (a slice).</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            using var timeout = new CancellationTokenSource(Wait);
            var sent = await _socket.SendAsync(bytes, SocketFlags.None, timeout.Token);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Writes <paramref name="bytes"/> one byte per socket write (no delay: each is its own TCP segment).</summary>
    public async Task WriteBytewiseAsync(byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            await WriteAsync(bytes.AsMemory(i, 1));
        }
    }

    /// <summary>Half-closes: the client reads end-of-stream, the server still reads.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Resets the connection: linger 0, so closing sends an RST instead of a FIN.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(enable: true, seconds: 0);
        _socket.Close();
    }

    /// <summary>Reads the client's next frame (unmasked), or null when the client's side ended first.</summary>
    public async Task<ClientFrame?> ReadFrameAsync()
    {
        while (true)
        {
            if (ClientFrame.TryParse(_pending, out var frame, out var consumed))
            {
                _pending.RemoveRange(0, consumed);
                return frame;
            }

            if (await ReadChunkAsync() == 0)
            {
                return null;
            }
        }
    }

    /// <summary>Reads the client's frames until its side of the connection ends (end of stream or reset): all of them.</summary>
    public async Task<List<ClientFrame>> ReadUntilEndAsync()
    {
        var frames = new List<ClientFrame>();
        while (await ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>Reads the upgrade request's head, or returns null when the client's side ended first.</summary>
    internal async Task<string?> ReadRequestAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var text = Encoding.ASCII.GetString(_pending.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.RemoveRange(0, end + 4);
                return text[..end];
            }

            var read = await _socket.ReceiveAsync(_chunk, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _pending.AddRange(_chunk.AsSpan(0, read).ToArray());
        }
    }

    private async Task<int> ReadChunkAsync()
    {
        // The timeout only bounds a hang: the read is cancelled, so nothing is left pending when the test fails.
        using var timeout = new CancellationTokenSource(Wait);
        int read;
        try
        {
            read = await _socket.ReceiveAsync(_chunk, SocketFlags.None, timeout.Token);
        }
        catch (SocketException)
        {
            return 0; // reset by the client
        }

        _pending.AddRange(_chunk.AsSpan(0, read).ToArray());
        return read;
    }
}

/// <summary>A frame the client sent: its opcode, FIN bit and unmasked payload.</summary>
internal sealed record ClientFrame(int Opcode, bool Fin, byte[] Payload)
{
    /// <summary>The close code of a close frame with a body, else null.</summary>
    public int? CloseCode => Opcode == 8 && Payload.Length >= 2 ? (Payload[0] << 8) | Payload[1] : null;

    /// <summary>Parses one whole frame from the start of <paramref name="bytes"/>, if they hold one.</summary>
    public static bool TryParse(List<byte> bytes, out ClientFrame frame, out int consumed)
    {
        frame = null!;
        consumed = 0;
        if (bytes.Count < 2)
        {
            return false;
        }

        var at = 2;
        long length = bytes[1] & 0x7F;
        var lengthBytes = length == 126 ? 2 : length == 127 ? 8 : 0;
        var masked = (bytes[1] & 0x80) != 0;
        if (bytes.Count < at + lengthBytes + (masked ? 4 : 0))
        {
            return false;
        }

        if (lengthBytes > 0)
        {
            length = 0;
            for (var i = 0; i < lengthBytes; i++)
            {
                length = (length << 8) | bytes[at++];
            }
        }

        var mask = masked ? bytes.GetRange(at, 4).ToArray() : [0, 0, 0, 0];
        at += masked ? 4 : 0;
        if (bytes.Count < at + length)
        {
            return false;
        }

        var payload = bytes.GetRange(at, (int)length).ToArray();
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] ^= mask[i % 4];
        }

        frame = new ClientFrame(bytes[0] & 0x0F, (bytes[0] & 0x80) != 0, payload);
        consumed = at + (int)length;
        return true;
    }
}
