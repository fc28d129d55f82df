using System.Buffers.Binary;
using System.Text;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// RFC 6455 frames as a server writes them, built byte by byte so that a test can get every field wrong: the opcode, the
/// FIN and reserved bits, a mask (a server must not mask), a length in the 64-bit form whatever the payload's size.
/// </summary>
internal static class ServerFrames
{
    public const int Continuation = 0x0;
    public const int Text = 0x1;
    public const int Binary = 0x2;
    public const int Close = 0x8;
    public const int Ping = 0x9;
    public const int Pong = 0xA;

    /// <summary>One frame: the header (<paramref name="fin"/>, <paramref name="rsv"/> bits 0-7 of RSV1-3, opcode, length) then the payload.</summary>
    public static byte[] Frame(int opcode, ReadOnlySpan<byte> payload, bool fin = true, int rsv = 0, bool masked = false, bool longLength = false)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0x0F)) };
        var maskBit = masked ? 0x80 : 0;
        if (longLength || payload.Length > ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }
        else if (payload.Length > 125)
        {
            header.Add((byte)(maskBit | 126));
            header.Add((byte)(payload.Length >> 8));
            header.Add((byte)payload.Length);
        }
        else
        {
            header.Add((byte)(maskBit | payload.Length));
        }

        var body = payload.ToArray();
        if (masked)
        {
            byte[] mask = [0x11, 0x22, 0x33, 0x44];
            header.AddRange(mask);
            for (var i = 0; i < body.Length; i++)
            {
                body[i] ^= mask[i % 4];
            }
        }

        return [.. header, .. body];
    }

    public static byte[] TextFrame(string text) => Frame(Text, Encoding.UTF8.GetBytes(text));

    /// <summary>A close frame with a code and reason, or with no body when <paramref name="code"/> is null.</summary>
    public static byte[] CloseFrame(int? code, string reason = "")
    {
        if (code is null)
        {
            return Frame(Close, []);
        }

        return Frame(Close, [(byte)(code >> 8), (byte)code, .. Encoding.UTF8.GetBytes(reason)]);
    }

    /// <summary>Only the header of a frame announcing <paramref name="length"/> payload bytes (64-bit form), for a frame cut short.</summary>
    public static byte[] Header(int opcode, long length)
    {
        var header = new byte[10];
        header[0] = (byte)(0x80 | opcode);
        header[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(header.AsSpan(2), (ulong)length);
        return header;
    }
}
