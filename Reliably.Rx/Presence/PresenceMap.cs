using System.Globalization;

namespace Reliably.Rx.Presence;

/// <summary>
/// The presence set of one channel as the spec keeps it (RTP2): members keyed by memberKey, a newness rule that
/// decides whether an incoming message replaces the stored one (RTP2b), ABSENT markers for members that leave during a
/// SYNC (RTP2h2), and residual members removed when a SYNC ends (RTP19).
/// </summary>
/// <remarks>
/// Not thread-safe: it is owned by the connection loop. Methods return the events to emit; the map never emits itself,
/// so the caller decides how events reach subscribers.
/// </remarks>
internal sealed class PresenceMap
{
    private readonly Dictionary<string, PresenceMessage> _members = new(StringComparer.Ordinal);
    private readonly Func<DateTimeOffset> _now;
    private readonly Func<PresenceMessage, string>? _keyOf;
    private HashSet<string>? _residual;

    public PresenceMap(Func<DateTimeOffset> now, Func<PresenceMessage, string>? keyOf = null)
    {
        _now = now ?? throw new ArgumentNullException(nameof(now));
        _keyOf = keyOf; // null: the memberKey, found without building the string (see FindMemberKey)
    }

    /// <summary>True between the first and the last page of a SYNC (RTP18).</summary>
    public bool SyncInProgress => _residual is not null;

    /// <summary>The id of the SYNC in progress, from its <c>syncId:cursor</c> channelSerial.</summary>
    public string? SyncId { get; private set; }

    /// <summary>Incremented on every change of the member set; lets observers detect change without diffing.</summary>
    public long Version { get; private set; }

    /// <summary>The members present now (stored with action PRESENT), ABSENT markers excluded.</summary>
    public IReadOnlyList<PresenceMessage> Members =>
        _members.Values.Where(m => m.Action != PresenceAction.Absent).ToArray();

    public int Count => _members.Count(kv => kv.Value.Action != PresenceAction.Absent);

    /// <summary>The entry stored under <paramref name="memberKey"/>, ABSENT markers included (RTP2h2a), or null.</summary>
    public PresenceMessage? Get(string memberKey) => _members.GetValueOrDefault(memberKey);

    public bool TryGet(string memberKey, out PresenceMessage member)
    {
        if (_members.TryGetValue(memberKey, out var found) && found.Action != PresenceAction.Absent)
        {
            member = found;
            return true;
        }

        member = null!;
        return false;
    }

    /// <summary>
    /// Applies one PRESENCE or SYNC message. Returns the event to emit (with its original action), or null when the
    /// message is stale (RTP2a, RTP2b) or needs no event.
    /// </summary>
    public PresenceMessage? Apply(PresenceMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = _keyOf is null ? FindMemberKey(message) : _keyOf(message);
        if (message.Action != PresenceAction.Leave)
        {
            // RTP19: a member the sync has seen is not residual, even when this message is stale (the member is still
            // listed). A LEAVE is not a sighting: a member the server no longer lists must still go when the sync ends.
            _residual?.Remove(key);
        }

        if (_members.TryGetValue(key, out var existing) && !IsNewer(message, existing))
        {
            return null;
        }

        switch (message.Action)
        {
            case PresenceAction.Enter:
            case PresenceAction.Update:
            case PresenceAction.Present:
                // RTP2d: stored as PRESENT, emitted with the action it arrived with.
                var stored = message with { Action = PresenceAction.Present };
                _members[key] = stored;
                Version++;
                return message;

            case PresenceAction.Leave:
                if (SyncInProgress)
                {
                    // RTP2h2a: kept as ABSENT so an older PRESENT in a later SYNC page cannot resurrect the member. Not
                    // emitted: when the SYNC ends the marker is purged silently, and only RTP19's leaves are emitted (RTP2h2b).
                    _members[key] = message with { Action = PresenceAction.Absent };
                    Version++;
                    return null;
                }

                // RTP2h1: emitted and deleted, if the member was present.
                _members.Remove(key);
                Version++;
                return existing is null || existing.Action == PresenceAction.Absent ? null : message;

            default:
                // ABSENT never arrives from the server; unknown actions are ignored rather than corrupting the set.
                return null;
        }
    }

    /// <summary>
    /// The memberKey (<c>connectionId:clientId</c>, TP3h) of a message. When the member is already known, the stored key
    /// instance is returned, looked up by a stack-built span: applying an update, a stale message or a re-SYNC of a known
    /// member builds no string (F8 in docs/benchmarks.md). Only a new member allocates its key.
    /// </summary>
    private string FindMemberKey(PresenceMessage message)
    {
#if !NET9_0_OR_GREATER
        // Span-keyed lookups (GetAlternateLookup) arrive in .NET 9; net8.0 builds the key string.
        return message.MemberKey;
#else
        var connectionId = message.ConnectionId ?? string.Empty;
        var clientId = message.ClientId ?? string.Empty;
        var length = connectionId.Length + 1 + clientId.Length;
        if (length > 256)
        {
            return message.MemberKey;
        }

        Span<char> key = stackalloc char[length];
        connectionId.AsSpan().CopyTo(key);
        key[connectionId.Length] = ':';
        clientId.AsSpan().CopyTo(key[(connectionId.Length + 1)..]);
        if (_members.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var stored, out _))
        {
            return stored;
        }

        if (_residual is not null && _residual.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var residual))
        {
            return residual;
        }

        return new string(key);
#endif
    }

    /// <summary>
    /// Handles the channelSerial of a SYNC frame before its messages are applied (RTP18a): a new sync id starts a new
    /// sync, discarding one in progress. A null serial means a single-page sync (RTP18c).
    /// </summary>
    public void BeginSyncPage(string? channelSerial)
    {
        var syncId = ParseSyncSerial(channelSerial).SyncId;
        if (!SyncInProgress || !string.Equals(syncId, SyncId, StringComparison.Ordinal))
        {
            StartSync(syncId);
        }
    }

    /// <summary>
    /// Call after the messages of a SYNC frame were applied: when its cursor is empty (or there was no serial, RTP18c)
    /// the sync ends and the residual LEAVEs are returned (RTP19).
    /// </summary>
    public IReadOnlyList<PresenceMessage> EndSyncPageIfLast(string? channelSerial) =>
        ParseSyncSerial(channelSerial).IsLast ? EndSync() : Array.Empty<PresenceMessage>();

    /// <summary>Starts a sync: every current member is residual until seen again (RTP19).</summary>
    public void StartSync(string? syncId = null)
    {
        _residual = new HashSet<string>(_members.Keys, StringComparer.Ordinal);
        SyncId = syncId;
    }

    /// <summary>
    /// Ends the sync: ABSENT markers are purged silently (RTP2h2b) and members not seen during the sync are removed,
    /// each with a synthesized LEAVE (id null, timestamp now) returned for emission (RTP19).
    /// </summary>
    public IReadOnlyList<PresenceMessage> EndSync()
    {
        var residual = _residual;
        _residual = null;
        SyncId = null;
        if (residual is null)
        {
            return Array.Empty<PresenceMessage>();
        }

        var leaves = new List<PresenceMessage>();
        foreach (var key in _members.Where(kv => kv.Value.Action == PresenceAction.Absent).Select(kv => kv.Key).ToList())
        {
            _members.Remove(key);
        }

        foreach (var key in residual)
        {
            if (_members.Remove(key, out var member))
            {
                leaves.Add(SynthesizedLeave(member));
            }
        }

        if (leaves.Count > 0)
        {
            Version++;
        }

        return leaves;
    }

    /// <summary>
    /// Abandons a SYNC in progress without evicting anyone (the channel attached again, so a new SYNC follows, RTP18a):
    /// ABSENT markers are purged silently and no member is residual any more.
    /// </summary>
    public void DiscardSync()
    {
        if (!SyncInProgress)
        {
            return;
        }

        foreach (var key in _members.Where(kv => kv.Value.Action == PresenceAction.Absent).Select(kv => kv.Key).ToList())
        {
            _members.Remove(key);
        }

        _residual = null;
        SyncId = null;
    }

    /// <summary>
    /// The channel attached without HAS_PRESENCE: the set is empty now. Returns a LEAVE for every member held (RTP19a).
    /// </summary>
    public IReadOnlyList<PresenceMessage> ClearWithLeaves()
    {
        var leaves = _members.Values.Where(m => m.Action != PresenceAction.Absent).Select(SynthesizedLeave).ToList();
        Clear();
        return leaves;
    }

    /// <summary>Clears the map without events (RTP5a: channel DETACHED or FAILED).</summary>
    public void Clear()
    {
        if (_members.Count > 0)
        {
            Version++;
        }

        _members.Clear();
        _residual = null;
        SyncId = null;
    }

    /// <summary>
    /// RTP2b: is <paramref name="incoming"/> newer than <paramref name="existing"/>? Synthesized leaves (an id that does
    /// not start with the connectionId) compare by timestamp, the incoming one winning a tie (RTP2b1); otherwise the
    /// msgSerial and then the index parts of the ids compare numerically (RTP2b2).
    /// </summary>
    internal static bool IsNewer(PresenceMessage incoming, PresenceMessage existing)
    {
        if (incoming.IsSynthesized || existing.IsSynthesized
            || !TryParseId(incoming.Id, out var inSerial, out var inIndex)
            || !TryParseId(existing.Id, out var exSerial, out var exIndex))
        {
            var inTime = incoming.Timestamp ?? DateTimeOffset.MinValue;
            var exTime = existing.Timestamp ?? DateTimeOffset.MinValue;
            return inTime >= exTime;
        }

        return inSerial != exSerial ? inSerial > exSerial : inIndex > exIndex;
    }

    private static bool TryParseId(string? id, out long msgSerial, out long index)
    {
        msgSerial = 0;
        index = 0;
        if (id is null)
        {
            return false;
        }

        // connectionId:msgSerial:index; the connectionId never contains ':', so take the last two segments.
        var last = id.LastIndexOf(':');
        if (last <= 0)
        {
            return false;
        }

        var middle = id.LastIndexOf(':', last - 1);
        return middle >= 0
            && long.TryParse(id.AsSpan(middle + 1, last - middle - 1), NumberStyles.None, CultureInfo.InvariantCulture, out msgSerial)
            && long.TryParse(id.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    /// <summary>Splits <c>syncId:cursor</c> at the first colon (the cursor itself may hold colons).</summary>
    internal static (string? SyncId, bool IsLast) ParseSyncSerial(string? channelSerial)
    {
        if (string.IsNullOrEmpty(channelSerial))
        {
            return (null, true);
        }

        var colon = channelSerial.IndexOf(':');
        return colon < 0
            ? (channelSerial, true)
            : (channelSerial[..colon], colon == channelSerial.Length - 1);
    }

    private PresenceMessage SynthesizedLeave(PresenceMessage member)
    {
        var leave = member with { Action = PresenceAction.Leave, Id = null, Timestamp = _now() };
        return leave;
    }
}
