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
    private char[]? _chars;

    // The length plus one, so that the default value (0) is null.
    private int _lengthPlusOne;

    // Odd while a write is in progress.
    private int _sequence;

    /// <summary>Copies <paramref name="value"/> in (one writer at a time); null clears the value and keeps the buffer.</summary>
    public void Set(string? value)
    {
        var sequence = _sequence;

        // A full fence: the odd sequence is visible before any character written after it.
        Interlocked.Exchange(ref _sequence, sequence + 1);
        if (value is null)
        {
            _lengthPlusOne = 0;
        }
        else
        {
            var chars = _chars;
            if (chars is null || chars.Length < value.Length)
            {
                chars = new char[TextCopy.Capacity(value.Length)];
                _chars = chars;
            }

            value.CopyTo(chars);
            _lengthPlusOne = value.Length + 1;
        }

        // A release: every character is visible before the even sequence.
        Volatile.Write(ref _sequence, sequence + 2);
    }

    /// <summary>The value as it was after one whole write (a new string), or null.</summary>
    public string? Read()
    {
        var spin = default(SpinWait);
        while (true)
        {
            var before = Volatile.Read(ref _sequence);
            if ((before & 1) == 0)
            {
                // The array and the length may be from different writes here; the sequence check below rejects that,
                // and the length is clamped so that such a read cannot fail before it is rejected.
                var chars = Volatile.Read(ref _chars);
                var lengthPlusOne = Volatile.Read(ref _lengthPlusOne);
                var value = lengthPlusOne == 0 ? null
                    : chars is null ? string.Empty
                    : new string(chars, 0, Math.Min(lengthPlusOne - 1, chars.Length));

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
}
