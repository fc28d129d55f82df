namespace Reliably.Rx.PayloadEncoding.Vcdiff;

/// <summary>The payload being rebuilt, window after window, within a size limit.</summary>
internal sealed class TargetBuffer(int limit)
{
    private byte[] _bytes = [];
    private int _length;

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

    public TargetWindow StartWindow(int targetLength, ReadOnlySpan<byte> segment)
    {
        if (targetLength > limit - _length)
        {
            throw VcdiffReader.Invalid($"it would produce more than {limit} bytes");
        }

        return new TargetWindow(segment, targetLength);
    }

    public void EndWindow(TargetWindow window)
    {
        var target = window.Target;
        if (_bytes.Length - _length < target.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_length + target.Length, Math.Min(limit, _bytes.Length * 2)));
        }

        target.CopyTo(_bytes.AsSpan(_length));
        _length += target.Length;
    }

    public byte[] ToArray() => _length == _bytes.Length ? _bytes : _bytes.AsSpan(0, _length).ToArray();
}

/// <summary>
/// One window's address space (RFC 3284, section 3): its source segment followed by the target it produces. COPY reads
/// anywhere before the current position, so a copy may overlap what it writes (a repeated pattern).
/// </summary>
internal sealed class TargetWindow
{
    private readonly byte[] _space;
    private readonly int _targetLength;

    public TargetWindow(ReadOnlySpan<byte> segment, int targetLength)
    {
        _space = new byte[segment.Length + targetLength];
        segment.CopyTo(_space);
        SegmentLength = segment.Length;
        _targetLength = targetLength;
    }

    public int SegmentLength { get; }

    public int Produced { get; private set; }

    public ReadOnlySpan<byte> Target => _space.AsSpan(SegmentLength, Produced);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Claim(bytes.Length));
    }

    public void Repeat(byte value, int count) => Claim(count).Fill(value);

    public void Copy(int address, int count)
    {
        var destination = SegmentLength + Produced;
        Claim(count);
        if (address + count <= destination)
        {
            _space.AsSpan(address, count).CopyTo(_space.AsSpan(destination));
            return;
        }

        // Overlapping: byte by byte, so the bytes just written are read again.
        for (var i = 0; i < count; i++)
        {
            _space[destination + i] = _space[address + i];
        }
    }

    private Span<byte> Claim(int count)
    {
        if (count > _targetLength - Produced)
        {
            throw VcdiffReader.Invalid("an instruction writes past the end of its window");
        }

        var span = _space.AsSpan(SegmentLength + Produced, count);
        Produced += count;
        return span;
    }
}
