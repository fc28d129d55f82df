namespace Reliably.Rx.Presence;

/// <summary>
/// The second presence map of RTP17: the members this connection entered, kept so they can be re-entered automatically
/// when the channel attaches again (RTP17i, RTP17g). Keyed by clientId alone (RTP17h), so an entry made on an older
/// connection is replaced, not kept beside the new one, and a deliberate leave removes it whatever the connection.
/// </summary>
/// <remarks>
/// The caller applies only events of the current connection (RTP17b); the map applies them as the main
/// <see cref="PresenceMap"/> does: stored as PRESENT (RTP2d2), a stale event discarded (RTP2a). Newness is compared only
/// with an entry of the same connection, the same memberKey (RTP2a's "matching" member): an entry from an older connection
/// is simply replaced. Not thread-safe: owned by the connection loop.
/// </remarks>
internal sealed class LocalPresenceMap
{
    // Created with the first member: most channels never enter presence from this connection.
    private Dictionary<string, PresenceMessage>? _members;

    /// <summary>The members held, each with action PRESENT.</summary>
    public IReadOnlyList<PresenceMessage> Values => _members is { Count: > 0 } members ? members.Values.ToArray() : Array.Empty<PresenceMessage>();

    public int Count => _members?.Count ?? 0;

    /// <summary>The member entered as <paramref name="clientId"/>, or null.</summary>
    public PresenceMessage? Get(string clientId) => _members?.GetValueOrDefault(clientId);

    /// <summary>Applies an ENTER, UPDATE or PRESENT (RTP17b): stored as PRESENT unless an entry of its memberKey is newer.</summary>
    public void Put(PresenceMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.ClientId is not { } clientId || (_members is not null && _members.TryGetValue(clientId, out var existing) && IsStale(message, existing)))
        {
            return;
        }

        (_members ??= new Dictionary<string, PresenceMessage>(StringComparer.Ordinal))[clientId] = message with { Action = PresenceAction.Present };
    }

    /// <summary>
    /// Applies a LEAVE. A synthesized leave (the server removing a member of a dropped connection, RTP2b1) is ignored, so
    /// the member is re-entered later (RTP17b). Returns true when a member was removed.
    /// </summary>
    public bool Remove(PresenceMessage leave)
    {
        ArgumentNullException.ThrowIfNull(leave);
        if (leave.IsSynthesized || leave.ClientId is not { } clientId
            || _members is null || !_members.TryGetValue(clientId, out var existing) || IsStale(leave, existing))
        {
            return false;
        }

        return _members.Remove(clientId);
    }

    /// <summary>Forgets every member (RTP5a: the channel went DETACHED or FAILED, so nobody is re-entered).</summary>
    public void Clear() => _members = null;

    private static bool IsStale(PresenceMessage incoming, PresenceMessage existing) =>
        string.Equals(incoming.ConnectionId, existing.ConnectionId, StringComparison.Ordinal) && !PresenceMap.IsNewer(incoming, existing);
}
