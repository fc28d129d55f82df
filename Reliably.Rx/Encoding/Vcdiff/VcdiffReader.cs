namespace Reliably.Rx.PayloadEncoding.Vcdiff;

/// <summary>A cursor over one section of a VCDIFF delta: bytes and the RFC 3284 variable-length integers (section 2).</summary>
internal ref struct VcdiffReader(ReadOnlySpan<byte> bytes)
{
    private readonly ReadOnlySpan<byte> _bytes = bytes;
    private int _position;

    public readonly bool AtEnd => _position == _bytes.Length;

    public readonly int Position => _position;

    public byte ReadByte() => _position < _bytes.Length ? _bytes[_position++] : throw Invalid("it ends early");

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > _bytes.Length - _position)
        {
            throw Invalid("it ends early");
        }

        var slice = _bytes.Slice(_position, count);
        _position += count;
        return slice;
    }

    /// <summary>A base-128 integer, most significant digit first, that must fit in an int.</summary>
    public int ReadInt()
    {
        long value = 0;
        for (var digits = 0; digits < 5; digits++)
        {
            var b = ReadByte();
            value = (value << 7) | (uint)(b & 0x7F);
            if ((b & 0x80) == 0)
            {
                return value <= int.MaxValue ? (int)value : throw Invalid("an integer does not fit in 31 bits");
            }
        }

        throw Invalid("an integer does not fit in 31 bits");
    }

    public static AblyException Invalid(string why) =>
        new(ErrorCodes.DeltaDecodeFailed, 400, $"Invalid VCDIFF delta: {why}.");
}
