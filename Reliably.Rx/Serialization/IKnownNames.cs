namespace Reliably.Rx.Serialization;

/// <summary>
/// Names a decoder may reuse instead of making a new string: a connection's registered channels. Read from the thread
/// that decodes the connection's frames while the owner adds and removes names on its own thread, so an implementation
/// answers from a view that is never torn (a name it returns is exactly the text asked for) and stops answering with
/// a name once it is removed.
/// </summary>
internal interface IKnownNames
{
    /// <summary>The known string equal to <paramref name="text"/> (ordinal), or null.</summary>
    string? Find(ReadOnlySpan<char> text);

    /// <summary>
    /// A name <see cref="Find"/> returned (the first since the table last changed), while no name has been added,
    /// replaced or removed since (else null): a connection's decoder checks it first, whichever thread decoded the
    /// previous frame, so a connection with one channel finds its name without a lookup.
    /// </summary>
    string? LastFound { get; }

    /// <summary>
    /// Never zero, unique to this table and this state of it (<see cref="NextVersion"/>): it changes whenever a name is
    /// added, replaced or removed. A decoder that kept a name found earlier reuses it only while the table it asks
    /// has the same version, so a removed name is never handed out again and no table is held to compare with.
    /// </summary>
    long Version { get; }

    /// <summary>A version no table has had in this process.</summary>
    static long NextVersion() => Interlocked.Increment(ref s_versions);

    private static long s_versions;
}
