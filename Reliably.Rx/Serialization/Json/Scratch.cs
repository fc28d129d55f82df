namespace Reliably.Rx.Serialization.Json;

/// <summary>
/// A per-thread list for collecting the elements of a JSON array whose length is known only at its end, so that a
/// 100-message frame does not grow and copy a new list six times. Taken and returned within one read call, which
/// never reads an array of the same element type inside another; a list left behind by a failed read is simply
/// replaced.
/// </summary>
internal static class Scratch<T>
    where T : class?
{
    private const int MaxKept = 4096;

    [ThreadStatic]
    private static List<T>? _list;

    public static List<T> Take()
    {
        var list = _list ?? new List<T>(16);
        _list = null;
        return list;
    }

    public static T[] ToArrayAndReturn(List<T> list)
    {
        var array = list.ToArray();
        list.Clear();
        if (list.Capacity <= MaxKept)
        {
            _list = list;
        }

        return array;
    }
}
