using System.Numerics;

namespace Reliably.Rx.Tests.Presence;

/// <summary>
/// A reference model of the presence set, written from the text of the features spec rather than from PresenceMap, and
/// kept naive on purpose (a list of entries, linear scans, ids split on every ':' and parsed as unbounded integers).
/// </summary>
/// <remarks>
/// Where the spec leaves a case open, the model takes the reading stated here, and the map must agree:
/// - a LEAVE during a SYNC for a member the map does not hold (or holds as ABSENT) still leaves an ABSENT marker, so that
///   an older PRESENT later in the same SYNC cannot bring back a member that has already left (RTP2h2a reads "stored");
/// - a timestamp-compared message without a timestamp is older than any timestamp.
/// </remarks>
internal sealed class PresenceModel
{
    private readonly DateTimeOffset _now;
    private readonly List<Entry> _entries = [];
    private HashSet<string>? _residual;
    private string? _syncId;

    public PresenceModel(DateTimeOffset now) => _now = now;

    public List<PresenceMessage> Events { get; } = [];

    private bool SyncInProgress => _residual is not null;

    public void Presence(PresenceMessage[] messages)
    {
        foreach (var m in messages)
        {
            Apply(m);
        }
    }

    /// <summary>One SYNC frame: RTP18a (a new sync id starts a new sync, discarding one in flight), RTP18b/RTP18c (the end).</summary>
    public void Sync(string? channelSerial, PresenceMessage[] messages)
    {
        string? syncId = null;
        var last = true;
        if (!string.IsNullOrEmpty(channelSerial))
        {
            var colon = channelSerial.IndexOf(':');
            syncId = colon < 0 ? channelSerial : channelSerial[..colon];
            last = colon < 0 || colon == channelSerial.Length - 1;
        }

        if (!SyncInProgress || syncId != _syncId)
        {
            StartSync();
            _syncId = syncId;
        }

        Presence(messages);
        if (last)
        {
            EndSync();
        }
    }

    /// <summary>RTP19: every member held when a sync starts is residual until the sync adds or updates it.</summary>
    public void StartSync()
    {
        _residual = _entries.Select(e => e.Key).ToHashSet();
        _syncId = null;
    }

    /// <summary>RTP19a: no presence on the channel; a LEAVE for each member, then an empty set.</summary>
    public void AttachedWithoutPresence()
    {
        Events.AddRange(_entries.Where(e => !e.Absent).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => Leave(e.Message)));
        Clear();
    }

    /// <summary>RTP5a: the set is cleared without events.</summary>
    public void Clear()
    {
        _entries.Clear();
        _residual = null;
        _syncId = null;
    }

    private void Apply(PresenceMessage incoming)
    {
        var key = incoming.ConnectionId + ":" + incoming.ClientId;
        var existing = _entries.FirstOrDefault(e => e.Key == key);
        var isLeave = incoming.Action == PresenceAction.Leave;

        // RTP19: a member the sync has seen is not residual. The UTS portable test "stale SYNC message still removes
        // member from residuals" fixes that a stale ENTER/UPDATE/PRESENT counts as seen; a LEAVE does not (a member the
        // server no longer lists must go at the end of the sync).
        if (!isLeave)
        {
            _residual?.Remove(key);
        }

        // RTP2a: an existing message that is newer wins and the incoming one is discarded.
        if (existing is not null && !IsNewer(incoming, existing.Message))
        {
            return;
        }

        if (!isLeave)
        {
            // RTP2d: emitted with its own action (RTP2d1), stored as PRESENT (RTP2d2).
            Remove(key);
            _entries.Add(new Entry(key, incoming, Absent: false));
            Events.Add(incoming);
            return;
        }

        if (SyncInProgress)
        {
            // RTP2h2a: stored as ABSENT; nothing is emitted while the sync runs (RTP2h1a emits only outside a sync).
            Remove(key);
            _entries.Add(new Entry(key, incoming, Absent: true));
            return;
        }

        // RTP2h1: only a member that is in the map leaves; it is emitted and deleted.
        if (existing is { Absent: false })
        {
            Remove(key);
            Events.Add(incoming);
        }
    }

    /// <summary>RTP18b/RTP19/RTP2h2b: ABSENT entries go silently, residual PRESENT members go with a synthesized LEAVE.</summary>
    private void EndSync()
    {
        var residual = _residual ?? [];
        _residual = null;
        _syncId = null;
        _entries.RemoveAll(e => e.Absent);
        foreach (var entry in _entries.Where(e => residual.Contains(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal).ToList())
        {
            Events.Add(Leave(entry.Message));
            Remove(entry.Key);
        }
    }

    /// <summary>RTP19: the member's own attributes, action LEAVE, id null, timestamp now.</summary>
    private PresenceMessage Leave(PresenceMessage member) => new(PresenceAction.Leave, member.ClientId, member.Data)
    {
        ConnectionId = member.ConnectionId,
        Encoding = member.Encoding,
        Extras = member.Extras,
        Id = null,
        Timestamp = _now,
    };

    private void Remove(string key) => _entries.RemoveAll(e => e.Key == key);

    /// <summary>RTP2b.</summary>
    private static bool IsNewer(PresenceMessage incoming, PresenceMessage existing)
    {
        // RTP2b1: a message whose connectionId is not an initial substring of its id is compared by timestamp,
        // and on equal timestamps the incoming one is newer (RTP2b1a).
        if (!Published(incoming, out var inSerial, out var inIndex) || !Published(existing, out var exSerial, out var exIndex))
        {
            return (incoming.Timestamp ?? DateTimeOffset.MinValue) >= (existing.Timestamp ?? DateTimeOffset.MinValue);
        }

        // RTP2b2: msgSerial, then index, numerically; larger is newer.
        return inSerial != exSerial ? inSerial > exSerial : inIndex > exIndex;
    }

    /// <summary>True for an id of the form connId:msgSerial:index starting with the member's connectionId.</summary>
    private static bool Published(PresenceMessage m, out BigInteger serial, out BigInteger index)
    {
        serial = index = BigInteger.Zero;
        if (m.Id is null || m.ConnectionId is null || !m.Id.StartsWith(m.ConnectionId, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = m.Id.Split(':');
        return parts.Length >= 3
            && parts[^2].Length > 0 && parts[^2].All(char.IsAsciiDigit) && BigInteger.TryParse(parts[^2], out serial)
            && parts[^1].Length > 0 && parts[^1].All(char.IsAsciiDigit) && BigInteger.TryParse(parts[^1], out index);
    }

    public string Describe()
    {
        var members = _entries.Where(e => !e.Absent)
            .Select(e => PresenceMapModelTests.DescribeMember(e.Key, PresenceAction.Present, e.Message))
            .Order(StringComparer.Ordinal);
        return $"sync={SyncInProgress} members=[{string.Join("; ", members)}] events=[{string.Join(" | ", Events.Select(PresenceMapModelTests.DescribeEvent))}]";
    }

    private sealed record Entry(string Key, PresenceMessage Message, bool Absent);
}
