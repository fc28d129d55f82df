using System.Globalization;
using System.Runtime.CompilerServices;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>Message publishing and history.</summary>
internal sealed partial class ChannelState
{
    private const int IdempotencyWindow = 100_000;
    private readonly Queue<StoredItem> _history = new(); // a queue: trimming the oldest is O(1) per publish
    private readonly Dictionary<string, string> _idempotent = new(StringComparer.Ordinal);
    private readonly Queue<string> _idempotentOrder = new();
    private long _ordinal;

    /// <summary>Publishes canonical message trees (REST); each tree is given the id it was published with.</summary>
    public List<string?> Publish(IReadOnlyList<JObject> messages, string? connectionId, long? msgSerial)
    {
        var stored = new List<StoredMessage>(messages.Count);
        foreach (var m in messages)
        {
            stored.Add(StoredMessage.FromTree(m));
        }

        var serials = Publish(stored, connectionId, msgSerial);
        for (var i = 0; i < messages.Count; i++)
        {
            messages[i]["id"] = stored[i].Id;
        }

        return serials;
    }

    /// <summary>
    /// Publishes canonical messages (already size- and capability-checked). Messages whose id was seen before on this
    /// channel are not republished (RSL1k, idempotent publishing); their original serial is returned instead.
    /// </summary>
    /// <param name="messages">Messages; this method stamps them and takes ownership.</param>
    /// <param name="connectionId">The publishing connection, or null for REST.</param>
    /// <param name="msgSerial">The ProtocolMessage msgSerial for realtime publishes.</param>
    /// <returns>One serial per input message.</returns>
    public List<string?> Publish(List<StoredMessage> messages, string? connectionId, long? msgSerial)
    {
        var now = Server.NowMs;
        var serials = new List<string?>(messages.Count);
        var published = 0;
        long publishedBytes = 0;
        lock (_gate)
        {
            // The common case, every message fresh, keeps the caller's list as the frame's.
            var fresh = messages;
            var seq = _seq + 1;
            string? channelSerial = null; // built once, on the first fresh message
            for (var i = 0; i < messages.Count; i++)
            {
                var m = messages[i];
                var id = m.Id;
                if (id is not null && _idempotent.TryGetValue(id, out var existing))
                {
                    serials.Add(existing);
                    if (ReferenceEquals(fresh, messages))
                    {
                        fresh = messages.GetRange(0, i);
                    }

                    continue;
                }

                if (id is null)
                {
                    // TM2a: realtime ids are connectionId:msgSerial:index; REST ids get a random base.
                    id = connectionId is not null
                        ? RealtimeId(connectionId, msgSerial, i)
                        : string.Create(CultureInfo.InvariantCulture, $"{Ids.Alnum(12)}:{i}");
                    m.Id = id;
                }

                channelSerial ??= FormatSerial(seq);
                var index = ReferenceEquals(fresh, messages) ? i : fresh.Count;
                var serial = MessageSerial(channelSerial, index);
                m.Serial = serial;

                // TM2j: a published message is a message.create (0), as Ably marks it in deliveries, history and getMessage.
                m.Action = 0;
                m.Timestamp ??= now;

                // Realtime: the publishing connection. REST: none, or the one the caller published on behalf of (TM2h),
                // which the REST route has already checked.
                if (connectionId is not null)
                {
                    m.ConnectionId = connectionId;
                }

                Remember(id, serial);
                Versions.Created(serial, m);
                if (!ReferenceEquals(fresh, messages))
                {
                    fresh.Add(m);
                }

                serials.Add(serial);
            }

            if (fresh.Count == 0)
            {
                return serials;
            }

            _seq = seq;
            foreach (var m in fresh)
            {
                _history.Enqueue(new StoredItem(_ordinal++, seq, m.Timestamp!.Value, m));
                publishedBytes += m.Size();
            }

            while (_history.Count > Server.Options.ChannelHistoryLimit)
            {
                _history.Dequeue();
            }

            var frame = MessageFrameFor(channelSerial!, now, fresh, connectionId, msgSerial);

            MessagesPublished += fresh.Count;
            published = fresh.Count;
            Emit(new ChannelEvent(seq, frame, connectionId, false, now) { Items = fresh.Count });
        }

        if (published > 0)
        {
            App.Stats.RecordMessages(now, published, publishedBytes, realtime: connectionId is not null);
        }

        return serials;
    }

    /// <summary>The MESSAGE frame that fans published or changed messages out (<see cref="State.MessageFrame"/>).</summary>
    private OutgoingFrame MessageFrameFor(string channelSerial, long now, IReadOnlyList<StoredMessage> messages, string? connectionId, long? msgSerial)
    {
        var frameId = connectionId is null ? null : RealtimeId(connectionId, msgSerial, null);
        return new OutgoingFrame(new MessageFrame(Name, channelSerial, now, messages, frameId, connectionId));
    }

    /// <summary>A message's serial: the channel serial of its ProtocolMessage and its index there.</summary>
    private static string MessageSerial(string channelSerial, int index) =>
        string.Create(CultureInfo.InvariantCulture, stackalloc char[64], $"{channelSerial}:{index:D4}");

    /// <summary>
    /// <c>connectionId:msgSerial</c> (a ProtocolMessage's id) or <c>connectionId:msgSerial:index</c> (a message's, TM2a),
    /// formatted on the stack: the numbers are not boxed and no pooled buffer is rented.
    /// </summary>
    private static string RealtimeId(string connectionId, long? msgSerial, int? index)
    {
        var handler = new DefaultInterpolatedStringHandler(2, 3, CultureInfo.InvariantCulture, stackalloc char[64]);
        handler.AppendFormatted(connectionId);
        handler.AppendLiteral(":");
        if (msgSerial is { } serial)
        {
            handler.AppendFormatted(serial);
        }

        if (index is { } i)
        {
            handler.AppendLiteral(":");
            handler.AppendFormatted(i);
        }

        return handler.ToStringAndClear();
    }

    /// <summary>Total messages published, for stats.</summary>
    public long MessagesPublished { get; private set; }

    /// <summary>Snapshot of history items matching the filter, oldest first.</summary>
    public List<StoredItem> HistorySnapshot(long? start, long? end, string? fromSerial)
    {
        var until = UntilSeq(fromSerial);
        lock (_gate)
        {
            // A changed message appears at the place of the original, at its latest version.
            return _history.Where(h => (start is null || h.Timestamp >= start) && (end is null || h.Timestamp <= end)
                && (until is null || h.Seq <= until))
                .Select(h => _versions is { AnyChanged: true } versions && h.Message?.Serial is { } serial
                    && versions.LatestChange(serial) is { } latest ? h.WithItem(latest) : h)
                .ToList();
        }
    }

    /// <summary>The channel position a fromSerial (untilAttach, RTL10b) refers to.</summary>
    private long? UntilSeq(string? fromSerial)
    {
        if (fromSerial is null)
        {
            return null;
        }

        return TryParseSerial(fromSerial, out var seq) ? seq : throw new AblyException(40003, 400, "Invalid fromSerial: not a serial of this channel");
    }

    private void Remember(string id, string serial)
    {
        _idempotent[id] = serial;
        _idempotentOrder.Enqueue(id);
        if (_idempotentOrder.Count > IdempotencyWindow)
        {
            _idempotent.Remove(_idempotentOrder.Dequeue());
        }
    }
}
