using Reliably.Rx.PayloadEncoding.Vcdiff;

namespace Reliably.Rx;

/// <summary>
/// A VCDIFF (RFC 3284) decoder: what <c>delta=vcdiff</c> channels need (RTL19, RTL20, PC3). Supports the default code
/// table, any number of windows with VCD_SOURCE or VCD_TARGET segments, application headers and the Adler-32 window
/// checksum that xdelta3 and open-vcdiff write; refuses secondary compression and custom code tables. Every length and
/// address is checked before use, and the output is limited to <see cref="MaxTargetSize"/> bytes, so a malformed or
/// hostile delta ends in an <see cref="AblyException"/> (40018), never in a crash, a hang or an unbounded allocation.
/// Stateless and thread-safe.
/// </summary>
public sealed class VcdiffDecoder : IVcdiffDecoder
{
    private const byte HeaderDecompress = 0x01;
    private const byte HeaderCodeTable = 0x02;
    private const byte HeaderAppHeader = 0x04;
    private const byte WindowSource = 0x01;
    private const byte WindowTarget = 0x02;
    private const byte WindowChecksum = 0x04;

    // 3 KB of address cache, reused by each thread's decodes (it is reset at every window).
    [ThreadStatic]
    private static VcdiffAddressCache? t_cache;

    /// <summary>The decoder <see cref="ClientOptions.VcdiffDecoder"/> uses unless told otherwise.</summary>
    public static VcdiffDecoder Default { get; } = new();

    /// <summary>The largest payload a delta may produce: 64 MiB, far above any Ably message size limit.</summary>
    public int MaxTargetSize { get; init; } = 64 * 1024 * 1024;

    /// <inheritdoc />
    /// <exception cref="AblyException">40018 when the delta is not a valid VCDIFF delta for <paramref name="source"/>.</exception>
    public byte[] Decode(ReadOnlySpan<byte> delta, ReadOnlySpan<byte> source)
    {
        var reader = new VcdiffReader(delta);
        if (reader.ReadByte() != 0xD6 || reader.ReadByte() != 0xC3 || reader.ReadByte() != 0xC4 || reader.ReadByte() != 0x00)
        {
            throw VcdiffReader.Invalid("it does not start with the VCDIFF magic bytes and version 0");
        }

        var indicator = reader.ReadByte();
        if ((indicator & (HeaderDecompress | HeaderCodeTable)) != 0)
        {
            throw VcdiffReader.Invalid("secondary compression and custom code tables are not supported");
        }

        if ((indicator & ~HeaderAppHeader) != 0)
        {
            throw VcdiffReader.Invalid($"unknown header indicator bits 0x{indicator:X2}");
        }

        if ((indicator & HeaderAppHeader) != 0)
        {
            reader.ReadBytes(reader.ReadInt());
        }

        var output = new TargetBuffer(MaxTargetSize);
        var cache = t_cache ??= new VcdiffAddressCache();
        while (!reader.AtEnd)
        {
            DecodeWindow(ref reader, source, output, cache);
        }

        return output.ToArray();
    }

    private static void DecodeWindow(ref VcdiffReader reader, ReadOnlySpan<byte> source, TargetBuffer output, VcdiffAddressCache cache)
    {
        var indicator = reader.ReadByte();
        if ((indicator & ~(WindowSource | WindowTarget | WindowChecksum)) != 0 || (indicator & (WindowSource | WindowTarget)) == (WindowSource | WindowTarget))
        {
            throw VcdiffReader.Invalid($"invalid window indicator 0x{indicator:X2}");
        }

        // The segment COPY reads from besides the window itself: part of the source, or of the target decoded so far.
        ReadOnlySpan<byte> segment = default;
        if ((indicator & (WindowSource | WindowTarget)) != 0)
        {
            var length = reader.ReadInt();
            var position = reader.ReadInt();
            var from = (indicator & WindowSource) != 0 ? source : output.Written;
            if ((long)position + length > from.Length)
            {
                throw VcdiffReader.Invalid($"a source segment ({position}+{length}) beyond the {from.Length} bytes available");
            }

            segment = from.Slice(position, length);
        }

        var encoding = new VcdiffReader(reader.ReadBytes(reader.ReadInt()));
        var targetLength = encoding.ReadInt();
        if (encoding.ReadByte() != 0)
        {
            throw VcdiffReader.Invalid("compressed sections are not supported");
        }

        var dataLength = encoding.ReadInt();
        var instructionsLength = encoding.ReadInt();
        var addressesLength = encoding.ReadInt();
        uint? checksum = (indicator & WindowChecksum) != 0
            ? (uint)((encoding.ReadByte() << 24) | (encoding.ReadByte() << 16) | (encoding.ReadByte() << 8) | encoding.ReadByte())
            : null;
        var data = new VcdiffReader(encoding.ReadBytes(dataLength));
        var instructions = new VcdiffReader(encoding.ReadBytes(instructionsLength));
        var addresses = new VcdiffReader(encoding.ReadBytes(addressesLength));
        if (!encoding.AtEnd)
        {
            throw VcdiffReader.Invalid("a window's sections do not add up to its length");
        }

        var target = output.Allocate(targetLength);
        var window = new TargetWindow(segment, target);
        cache.Reset();
        while (!instructions.AtEnd)
        {
            var (first, second) = VcdiffCodeTable.Default[instructions.ReadByte()];
            Execute(first, ref instructions, ref data, ref addresses, ref window, cache);
            Execute(second, ref instructions, ref data, ref addresses, ref window, cache);
        }

        if (window.Produced != targetLength || !data.AtEnd || !addresses.AtEnd)
        {
            throw VcdiffReader.Invalid("a window does not produce its stated length from exactly its data and addresses");
        }

        if (checksum is { } expected && Adler32(window.Target) != expected)
        {
            throw VcdiffReader.Invalid("a window's Adler-32 checksum does not match");
        }

        output.Append(target);
    }

    private static void Execute(VcdiffOp op, ref VcdiffReader instructions, ref VcdiffReader data, ref VcdiffReader addresses, ref TargetWindow window, VcdiffAddressCache cache)
    {
        if (op.Instruction == VcdiffInstruction.NoOp)
        {
            return;
        }

        var size = op.Size == 0 ? instructions.ReadInt() : op.Size;
        switch (op.Instruction)
        {
            case VcdiffInstruction.Add:
                window.Append(data.ReadBytes(size));
                break;
            case VcdiffInstruction.Run:
                window.Repeat(data.ReadByte(), size);
                break;
            default:
                var here = window.SegmentLength + window.Produced;
                window.Copy(cache.Decode(op.Mode, here, ref addresses), size);
                break;
        }
    }

    private static uint Adler32(ReadOnlySpan<byte> bytes)
    {
        // Sums over blocks of 5552 bytes cannot overflow before they are reduced.
        const uint Modulus = 65521;
        const int Block = 5552;
        uint a = 1, b = 0;
        for (var start = 0; start < bytes.Length; start += Block)
        {
            foreach (var value in bytes.Slice(start, Math.Min(Block, bytes.Length - start)))
            {
                a += value;
                b += a;
            }

            a %= Modulus;
            b %= Modulus;
        }

        return (b << 16) | a;
    }
}
