namespace Reliably.Rx.Buffers;

/// <summary>
/// A <see cref="TextCopy"/> written by one thread (the loop) and read from any thread: a sequence lock. The writer makes
/// the sequence odd, copies the characters, then makes it even again; a reader copies the characters between two reads
/// of an even, unchanged sequence, and tries again otherwise, so it never returns a value that is half of one write and
/// half of another. Writing takes no lock and allocates nothing once the buffer is large enough; reading allocates the
/// string it returns.
/// </summary>
/// <remarks>A mutable struct: keep it in a non-readonly field and call it in place, never copy it.</remarks>
internal struct PublishedText
{
    // The value's characters: a reused char[] holding a copy (Set), or a string held as it is (SetShared).
    private object? _value;

    // The length plus one, so that the default value (0) is null.
    private int _lengthPlusOne;

    // Odd while a write is in progress.
    private int _sequence;

    /// <summary>Copies <paramref name="value"/> in (one writer at a time); null clears the value and keeps the buffer.</summary>
    public void Set(string? value) => Write(value, copy: true);

    /// <summary>
    /// Holds <paramref name="value"/> itself, without a copy: for a value that is long-lived anyway (an ATTACHED frame's
    /// serial, which the channel also keeps as its attach serial), where a copy would only add a buffer per channel.
    /// A later <see cref="Set"/> copies into a new buffer.
    /// </summary>
    public void SetShared(string? value) => Write(value, copy: false);

    /// <summary>The value as it was after one whole write (a new string, or the shared one), or null.</summary>
    public string? Read()
    {
        var spin = default(SpinWait);
        while (true)
        {
            var before = Volatile.Read(ref _sequence);
            if ((before & 1) == 0)
            {
                // The holder and the length may be from different writes here; the sequence check below rejects that,
                // and the length is clamped so that such a read cannot fail before it is rejected.
                var current = Volatile.Read(ref _value);
                var lengthPlusOne = Volatile.Read(ref _lengthPlusOne);
                var value = lengthPlusOne == 0 ? null
                    : current switch
                    {
                        string shared => shared,
                        char[] chars => new string(chars, 0, Math.Min(lengthPlusOne - 1, chars.Length)),
                        _ => string.Empty,
                    };

                // A full fence: every character is read before the sequence is read again.
                Interlocked.MemoryBarrier();
                if (Volatile.Read(ref _sequence) == before)
                {
                    return value;
                }
            }

            spin.SpinOnce();
        }
    }

    private void Write(string? value, bool copy)
    {
        var sequence = _sequence;

        // A full fence: the odd sequence is visible before anything written after it.
        Interlocked.Exchange(ref _sequence, sequence + 1);
        if (value is null)
        {
            _lengthPlusOne = 0;
        }
        else if (!copy)
        {
            _value = value;
            _lengthPlusOne = value.Length + 1;
        }
        else
        {
            if (_value is not char[] chars || chars.Length < value.Length)
            {
                chars = new char[TextCopy.Capacity(value.Length)];
                _value = chars;
            }

            value.CopyTo(chars);
            _lengthPlusOne = value.Length + 1;
        }

        // A release: every character is visible before the even sequence.
        Volatile.Write(ref _sequence, sequence + 2);
    }
}
