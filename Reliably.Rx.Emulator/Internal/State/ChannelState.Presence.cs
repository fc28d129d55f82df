using System.Globalization;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>Presence: the member set, live events and synthesized leaves (RTP2, RTP17, PROTOCOL.md 6.1).</summary>
internal sealed partial class ChannelState
{
    private readonly Dictionary<string, JObject> _members = new(StringComparer.Ordinal);
    private readonly List<StoredItem> _presenceHistory = [];

    /// <summary>Applies client ENTER/UPDATE/LEAVE messages (already validated, clientId filled in).</summary>
    public void ApplyPresence(IReadOnlyList<JObject> items, string connectionId, long msgSerial)
    {
        var now = Server.NowMs;
        lock (_gate)
        {
            var broadcast = new List<JObject>();
            for (var i = 0; i < items.Count; i++)
            {
                var p = items[i];
                var clientId = p.Value<string>("clientId")!;
                var memberKey = connectionId + ":" + clientId;
                var action = p.Value<int?>("action") ?? 2;
                p["connectionId"] = connectionId;
                p["id"] ??= string.Create(CultureInfo.InvariantCulture, $"{connectionId}:{msgSerial}:{i}");
                if (p["timestamp"]?.Type != JTokenType.Integer)
                {
                    p["timestamp"] = now;
                }

                if (action == 3)
                {
                    // RTP10d: leaving when absent is still ACKed, but there is nothing to broadcast.
                    if (_members.Remove(memberKey))
                    {
                        broadcast.Add(p);
                    }

                    continue;
                }

                // A repeated ENTER for a present member is reported as UPDATE (PROTOCOL.md 6.1).
                if (action is 2 or 1 && _members.ContainsKey(memberKey))
                {
                    action = 4;
                }
                else if (action is 1)
                {
                    action = 2;
                }

                p["action"] = action;
                _members[memberKey] = p;
                broadcast.Add(p);
            }

            if (broadcast.Count > 0)
            {
                EmitPresence(broadcast, connectionId, string.Create(CultureInfo.InvariantCulture, $"{connectionId}:{msgSerial}"), now);
                PublishOccupancy(null);
            }
        }
    }

    /// <summary>Removes every member of a connection and broadcasts a synthesized LEAVE for each (RTN15, PROTOCOL.md 4.6).</summary>
    public void LeaveConnection(string connectionId)
    {
        var now = Server.NowMs;
        lock (_gate)
        {
            var leaving = _members.Where(kv => kv.Value.Value<string>("connectionId") == connectionId).ToList();
            if (leaving.Count == 0)
            {
                return;
            }

            var broadcast = new List<JObject>();
            foreach (var (key, member) in leaving)
            {
                _members.Remove(key);
                var leave = (JObject)member.DeepClone();
                leave["action"] = 3;

                // The id must not start with the member's connectionId, so clients compare by timestamp (RTP2b1).
                leave["id"] = "leave-" + Ids.Alnum(10) + ":0:0";
                leave["timestamp"] = now;
                broadcast.Add(leave);
            }

            EmitPresence(broadcast, connectionId, null, now);
            PublishOccupancy(null);
        }
    }

    /// <summary>Adds a member with no live connection (sandbox presence fixtures): never broadcast and never leaves, but entered in history.</summary>
    public void AddFixtureMember(JObject member, string connectionId)
    {
        DataCodec.Ingress(member);
        var clientId = member.Value<string>("clientId") ?? throw new AblyException(40000, 400, "Presence fixture requires clientId");
        member["action"] = 1;
        member["connectionId"] = connectionId;
        member["id"] = connectionId + ":0:" + _members.Count.ToString(CultureInfo.InvariantCulture);
        member["timestamp"] = Server.NowMs;
        lock (_gate)
        {
            _members[connectionId + ":" + clientId] = member;

            // The member entered, as far as presence history is concerned (RSP4).
            var entered = (JObject)member.DeepClone();
            entered["action"] = 2;
            _presenceHistory.Add(new StoredItem(_ordinal++, ++_seq, entered.Value<long>("timestamp"), entered));
        }
    }

    /// <summary>Current members (as PRESENT), optionally filtered (RSP3).</summary>
    public List<JObject> MembersSnapshot(string? clientId, string? connectionId)
    {
        lock (_gate)
        {
            return _members.Values
                .Where(m => (clientId is null || m.Value<string>("clientId") == clientId)
                    && (connectionId is null || m.Value<string>("connectionId") == connectionId))
                .Select(m =>
                {
                    var copy = (JObject)m.DeepClone();
                    copy["action"] = 1;
                    return copy;
                })
                .ToList();
        }
    }

    public List<StoredItem> PresenceHistorySnapshot(long? start, long? end, string? fromSerial)
    {
        var until = UntilSeq(fromSerial);
        lock (_gate)
        {
            return _presenceHistory.Where(h => (start is null || h.Timestamp >= start) && (end is null || h.Timestamp <= end)
                && (until is null || h.Seq <= until)).ToList();
        }
    }

    /// <summary>Resends a SYNC to one attached connection (client-initiated SYNC, RTP18).</summary>
    public void ResendSync(Attachment attachment)
    {
        lock (_gate)
        {
            if (_subscribers.Contains(attachment) && attachment.Has(Flags.PresenceSubscribe))
            {
                SendSync(attachment, _members.Values.ToList());
            }
        }
    }

    private void EmitPresence(List<JObject> broadcast, string connectionId, string? pmId, long now)
    {
        _seq++;
        foreach (var p in broadcast)
        {
            _presenceHistory.Add(new StoredItem(_ordinal++, _seq, p.Value<long>("timestamp"), (JObject)p.DeepClone()));
        }

        if (_presenceHistory.Count > Server.Options.ChannelHistoryLimit)
        {
            _presenceHistory.RemoveRange(0, _presenceHistory.Count - Server.Options.ChannelHistoryLimit);
        }

        var frame = new JObject
        {
            ["action"] = Actions.Presence,
            ["channel"] = Name,
            ["channelSerial"] = FormatSerial(_seq),
            ["connectionId"] = connectionId,
            ["timestamp"] = now,
            ["presence"] = new JArray(broadcast.Select(b => b.DeepClone())),
        };
        if (pmId is not null)
        {
            frame["id"] = pmId;
        }

        Emit(new ChannelEvent(_seq, new OutgoingFrame(frame), connectionId, true, now));
    }
}
