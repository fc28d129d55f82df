namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>
/// A VCDIFF (RFC 3284) encoder for channel deltas (<c>delta=vcdiff</c>, RTL18–RTL20): one window whose source segment is
/// the previous payload, the default code table, no secondary compression and no checksum. It copies the longest common
/// prefix and suffix of the two payloads from the source and adds what lies between, which is what successive updates
/// of one document mostly look like; any VCDIFF decoder reproduces the target exactly.
/// </summary>
internal static class VcdiffEncoder
{
    private const byte VcdSource = 0x01;
    private const byte AddExplicitSize = 1; // default code table: ADD, size in the instructions section
    private const byte CopySelfExplicitSize = 19; // default code table: COPY mode 0 (VCD_SELF), size in the instructions section

    /// <summary>Shorter matches are cheaper to add than to copy.</summary>
    private const int MinCopy = 4;

    public static byte[] Encode(ReadOnlySpan<byte> source, ReadOnlySpan<byte> target)
    {
        var prefix = CommonPrefix(source, target);
        var suffix = CommonSuffix(source[prefix..], target[prefix..]);
        if (prefix < MinCopy)
        {
            prefix = 0;
        }

        if (suffix < MinCopy)
        {
            suffix = 0;
        }

        var data = new List<byte>();
        var instructions = new List<byte>();
        var addresses = new List<byte>();
        if (prefix > 0)
        {
            Copy(instructions, addresses, prefix, 0);
        }

        var added = target[prefix..(target.Length - suffix)];
        if (added.Length > 0)
        {
            instructions.Add(AddExplicitSize);
            WriteInteger(instructions, added.Length);
            data.AddRange(added.ToArray());
        }

        if (suffix > 0)
        {
            Copy(instructions, addresses, suffix, source.Length - suffix);
        }

        // The delta encoding: target window length, Delta_Indicator, section lengths, then the sections.
        var encoding = new List<byte>();
        WriteInteger(encoding, target.Length);
        encoding.Add(0);
        WriteInteger(encoding, data.Count);
        WriteInteger(encoding, instructions.Count);
        WriteInteger(encoding, addresses.Count);
        encoding.AddRange(data);
        encoding.AddRange(instructions);
        encoding.AddRange(addresses);

        var delta = new List<byte>(encoding.Count + 16) { 0xD6, 0xC3, 0xC4, 0x00, 0x00, VcdSource };
        WriteInteger(delta, source.Length);
        WriteInteger(delta, 0);
        WriteInteger(delta, encoding.Count);
        delta.AddRange(encoding);
        return [.. delta];
    }

    private static void Copy(List<byte> instructions, List<byte> addresses, int size, int address)
    {
        instructions.Add(CopySelfExplicitSize);
        WriteInteger(instructions, size);
        WriteInteger(addresses, address);
    }

    /// <summary>RFC 3284 integers: base 128, most significant digit first, the high bit set on all but the last byte.</summary>
    private static void WriteInteger(List<byte> output, int value)
    {
        Span<byte> digits = stackalloc byte[5];
        var count = 0;
        do
        {
            digits[count++] = (byte)(value & 0x7F);
            value >>= 7;
        }
        while (value > 0);

        for (var i = count - 1; i >= 0; i--)
        {
            output.Add((byte)(digits[i] | (i > 0 ? 0x80 : 0)));
        }
    }

    private static int CommonPrefix(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.CommonPrefixLength(b);

    private static int CommonSuffix(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[a.Length - 1 - n] == b[b.Length - 1 - n])
        {
            n++;
        }

        return n;
    }
}
