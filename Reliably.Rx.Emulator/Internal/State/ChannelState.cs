using System.Globalization;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// One channel of one app. Every mutation and every fan-out happens under <see cref="_gate"/>, a per-channel lock:
/// that fixes serial order and makes "snapshot then live" attaches gap- and duplicate-free. Fan-out only enqueues
/// pre-serialized frames onto per-connection queues, so the lock is held briefly and never across I/O.
/// </summary>
internal sealed partial class ChannelState
{
    private readonly object _gate = new();
    private readonly Queue<ChannelEvent> _events = new(); // a queue: trimming the oldest is O(1) per publish
    private readonly HashSet<Attachment> _subscribers = [];
    private long _seq;
    private long _eventItems;

    public ChannelState(string name, EmulatorApp app)
    {
        Name = name;
        App = app;
        Epoch = Ids.Hex(4);
    }

    public string Name { get; }

    public EmulatorApp App { get; }

    /// <summary>Distinguishes this channel instance's serials from any other (e.g. a previous emulator run).</summary>
    public string Epoch { get; }

    private EmulatorServer Server => App.Server;

    private Ids Ids => App.Server.Ids;

    public string FormatSerial(long seq) => string.Create(CultureInfo.InvariantCulture, stackalloc char[64], $"{Epoch}-{seq:D12}");

    /// <summary>Parses a channelSerial or message serial of this channel; false if it is foreign or malformed.</summary>
    public bool TryParseSerial(string? serial, out long seq)
    {
        seq = 0;
        if (serial is null || !serial.StartsWith(Epoch + "-", StringComparison.Ordinal))
        {
            return false;
        }

        var digits = serial[(Epoch.Length + 1)..];
        var colon = digits.IndexOf(':');
        if (colon >= 0)
        {
            digits = digits[..colon];
        }

        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out seq);
    }

    /// <summary>
    /// A history page cursor: a position in this channel instance's stored history. It names the instance (its epoch),
    /// so that a cursor minted before a restart cannot read the history of the channel that replaced it as if it were a
    /// continuation of the pages already read.
    /// </summary>
    public string FormatCursor(long ordinal) => Epoch + "." + ordinal.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses a cursor of <see cref="FormatCursor"/>; false if it belongs to another instance or is malformed.</summary>
    public bool TryParseCursor(string cursor, out long ordinal)
    {
        ordinal = 0;
        return cursor.StartsWith(Epoch + ".", StringComparison.Ordinal)
            && long.TryParse(cursor.AsSpan(Epoch.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out ordinal);
    }

    /// <summary>
    /// Attaches (RTL4): sends ATTACHED, then any backlog (resume RTL4c1/RTN15c or rewind), then a presence SYNC (RTP1,
    /// RTP18), all queued atomically with joining the fan-out set.
    /// </summary>
    /// <param name="attachment">The new attachment.</param>
    /// <param name="channelSerial">Where the client's attachment left off (RTL4c1), if it is continuing one.</param>
    /// <param name="mayResume">The connection may have continuity on this channel (resumed, or attached before).</param>
    /// <param name="continuing">The client flagged the attach as a continuation (ATTACH_RESUME): no rewind.</param>
    public void Attach(Attachment attachment, string? channelSerial, bool mayResume, bool continuing)
    {
        lock (_gate)
        {
            var backlog = new List<ChannelEvent>();
            var flags = attachment.Modes;
            JObject? error = null;
            if (mayResume && TryParseSerial(channelSerial, out var from) && from <= _seq)
            {
                var oldest = _events.TryPeek(out var first) ? first.Seq : _seq + 1;
                if (from >= oldest - 1 || from == _seq)
                {
                    flags |= Flags.Resumed;
                    backlog.AddRange(_events.Where(e => e.Seq > from && Deliverable(attachment, e)));
                }
                else
                {
                    error = ErrorInfo.Create(90003, 404, "Unable to recover channel (messages expired)");
                }
            }
            else if (channelSerial is not null && mayResume)
            {
                error = ErrorInfo.Create(90003, 404, "Unable to recover channel (unknown channel serial)");
            }

            // Rewind applies to an initial attach only; a resumed attachment continues where it left off.
            if ((flags & Flags.Resumed) == 0 && !continuing && attachment.Params.HasRewind)
            {
                backlog.AddRange(Rewind(attachment.Params).Where(e => Deliverable(attachment, e)));
            }

            if (backlog.Count > 0)
            {
                flags |= Flags.HasBacklog;
            }

            var syncMembers = attachment.Has(Flags.PresenceSubscribe) ? _members.Values.ToList() : [];
            if (syncMembers.Count > 0)
            {
                flags |= Flags.HasPresence;
            }

            var attached = new JObject
            {
                ["action"] = Actions.Attached,
                ["channel"] = attachment.WireName,
                ["channelSerial"] = FormatSerial(_seq),
                ["flags"] = flags,
            };
            if (attachment.Params.ToAttached() is { } echoed)
            {
                attached["params"] = echoed;
            }

            if (error is not null)
            {
                attached["error"] = error;
            }

            attachment.Session.Send(new OutgoingFrame(attached));
            foreach (var e in backlog)
            {
                attachment.Deliver(e.Frame);
            }

            if (syncMembers.Count > 0)
            {
                SendSync(attachment, syncMembers);
            }

            _subscribers.Add(attachment);
            PublishOccupancy(attachment);
        }
    }

    public void Detach(Attachment attachment)
    {
        lock (_gate)
        {
            if (_subscribers.Remove(attachment))
            {
                PublishOccupancy(null);
            }
        }
    }

    /// <summary>Re-sends a full presence SYNC to one connection (a client SYNC request, or HAS_PRESENCE after attach).</summary>
    private void SendSync(Attachment attachment, List<JObject> members)
    {
        // RTP18: pages share one syncId; every page but the last carries a non-empty cursor.
        var syncId = Ids.Alnum(8);
        var pageSize = Server.Options.SyncPageSize;
        for (var offset = 0; offset < members.Count; offset += pageSize)
        {
            var page = members.Skip(offset).Take(pageSize).Select(m =>
            {
                var copy = (JObject)m.DeepClone();
                copy["action"] = 1;
                return copy;
            });
            var last = offset + pageSize >= members.Count;
            var cursor = last ? string.Empty : (offset + pageSize).ToString(CultureInfo.InvariantCulture);
            attachment.Session.Send(new OutgoingFrame(new JObject
            {
                ["action"] = Actions.Sync,
                ["channel"] = attachment.WireName,
                ["channelSerial"] = syncId + ":" + cursor,
                ["presence"] = new JArray(page),
            }));
        }
    }

    private static bool Deliverable(Attachment attachment, ChannelEvent e)
    {
        var own = e.OriginConnectionId == attachment.Session.Id;
        if (e.IsPresence)
        {
            return own || attachment.Has(Flags.PresenceSubscribe);
        }

        if (e.IsAnnotation)
        {
            // RTAN4: annotations reach only the attachments that asked for them (ANNOTATION_SUBSCRIBE, RTL4m).
            return attachment.Has(Flags.AnnotationSubscribe) && (!own || (attachment.Session.Echo && attachment.Params.Echo));
        }

        // RTN2b (the connection's echo) and the per-channel echo param both suppress a connection's own messages.
        return attachment.Has(Flags.Subscribe) && (!own || (attachment.Session.Echo && attachment.Params.Echo));
    }

    private IEnumerable<ChannelEvent> Rewind(ChannelParams parameters)
    {
        var messages = _events.Where(e => !e.IsPresence && !e.IsAnnotation).ToList();
        if (_versions is { AnyChanged: true })
        {
            messages = LatestVersions(messages).ToList();
        }

        if (parameters.RewindCount is { } count)
        {
            return messages.Skip(Math.Max(0, messages.Count - count));
        }

        var since = Server.NowMs - (long)parameters.RewindSpan!.Value.TotalMilliseconds;
        return messages.Where(e => e.Timestamp >= since);
    }

    /// <summary>Appends to the replay log and fans the frame out; caller holds the lock.</summary>
    private void Emit(ChannelEvent e)
    {
        // Bounded by the messages the frames carry, like history: a count of frames would keep up to ChannelHistoryLimit
        // batches, each of many messages (a long stream of batched publishes grew without bound in practice).
        _events.Enqueue(e);
        _eventItems += e.Items;
        while (_eventItems > Server.Options.ChannelHistoryLimit && _events.Count > 1)
        {
            _eventItems -= _events.Dequeue().Items;
        }

        foreach (var s in _subscribers)
        {
            if (Deliverable(s, e))
            {
                s.Deliver(e.Frame);
            }
        }
    }
}
