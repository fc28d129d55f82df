namespace Reliably.Rx.Streams;

/// <summary>Lock-free updates that <see cref="Interlocked"/> does not offer.</summary>
internal static class Atomic
{
    /// <summary>Raises <paramref name="location"/> to at least <paramref name="value"/>; never lowers it.</summary>
    public static void RaiseTo(ref int location, int value)
    {
        var current = Volatile.Read(ref location);
        while (current < value)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
