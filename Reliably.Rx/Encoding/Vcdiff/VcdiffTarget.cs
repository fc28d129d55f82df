namespace Reliably.Rx.PayloadEncoding.Vcdiff;

/// <summary>The payload being rebuilt, window after window, within a size limit.</summary>
internal sealed class TargetBuffer(int limit)
{
    private byte[]? _single;
    private List<byte>? _many;

    /// <summary>What the windows so far produced: the segment a VCD_TARGET window copies from.</summary>
    public ReadOnlySpan<byte> Written => _many is not null ? System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_many) : _single;

    public int Length => _many?.Count ?? _single?.Length ?? 0;

    /// <summary>The next window's target, checked against the limit.</summary>
    public byte[] Allocate(int targetLength) => targetLength <= limit - Length
        ? new byte[targetLength]
        : throw VcdiffReader.Invalid($"it would produce more than {limit} bytes");

    public void Append(byte[] target)
    {
        if (_single is null && _many is null)
        {
            // The common case, one window: its target is the result, with no copy.
            _single = target;
            return;
        }

        _many ??= [.. _single!];
        _single = null;
        _many.AddRange(target);
    }

    public byte[] ToArray() => _many is not null ? _many.ToArray() : _single ?? [];
}

/// <summary>
/// One window's address space (RFC 3284, section 3): its source segment followed by the target it produces. COPY reads
/// anywhere before the current position, so a copy may overlap what it writes (a repeated pattern).
/// </summary>
internal ref struct TargetWindow(ReadOnlySpan<byte> segment, byte[] target)
{
    private readonly ReadOnlySpan<byte> _segment = segment;

    public readonly int SegmentLength => _segment.Length;

    public int Produced { get; private set; }

    public readonly ReadOnlySpan<byte> Target => target.AsSpan(0, Produced);

    public void Append(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Claim(bytes.Length));

    public void Repeat(byte value, int count) => Claim(count).Fill(value);

    /// <summary>Copies <paramref name="count"/> bytes from <paramref name="address"/> (below the current position).</summary>
    public void Copy(int address, int count)
    {
        var destination = Claim(count);
        var fromSegment = Math.Clamp(_segment.Length - address, 0, count);
        if (fromSegment > 0)
        {
            _segment.Slice(address, fromSegment).CopyTo(destination);
        }

        // The rest comes from the target itself, possibly from bytes this copy is writing: byte by byte, in order.
        var start = address + fromSegment - _segment.Length;
        for (var i = fromSegment; i < count; i++)
        {
            destination[i] = target[start + i - fromSegment];
        }
    }

    private Span<byte> Claim(int count)
    {
        if (count > target.Length - Produced)
        {
            throw VcdiffReader.Invalid("an instruction writes past the end of its window");
        }

        var span = target.AsSpan(Produced, count);
        Produced += count;
        return span;
    }
}
