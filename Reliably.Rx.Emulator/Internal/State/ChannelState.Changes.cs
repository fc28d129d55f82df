using System.Globalization;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>Updates, deletes and appends of published messages (RSL15, RTL32), their versions (RSL14) and getMessage (RSL11).</summary>
internal sealed partial class ChannelState
{
    private MessageVersions? _versions;

    /// <summary>Caller holds the lock.</summary>
    private MessageVersions Versions => _versions ??= new MessageVersions(Server.Options.ChannelHistoryLimit);

    /// <summary>The latest version of a message (RSL11), or null when the channel has no such message.</summary>
    public JObject? LatestVersion(string serial)
    {
        lock (_gate)
        {
            return Versions.Latest(serial);
        }
    }

    /// <summary>Every version of a message, oldest first (RSL14); 40400 when the channel has no such message.</summary>
    public IReadOnlyList<JObject> AllVersions(string serial)
    {
        lock (_gate)
        {
            var all = Versions.All(serial);
            return all.Count > 0 ? all : throw ErrorInfo.NotFound("Message not found: " + serial);
        }
    }

    /// <summary>
    /// Applies an update, delete or append to a published message and fans it out. Patch semantics, as Ably documents
    /// them: a non-null name, data or extras replaces the previous one; an append concatenates its data to the previous
    /// data. Subscribers see the change with its own action and the message's serial; an append carries only the
    /// appended fragment, while getMessage, history and rewind show the whole message as a <c>message.update</c>.
    /// </summary>
    /// <param name="change">The requested message (canonical form, <c>serial</c> and <c>action</c> set, <c>version</c> the operation).</param>
    /// <param name="rights">The requester's rights, checked against the message's author.</param>
    /// <param name="connectionId">The requesting connection, or null for REST.</param>
    /// <param name="msgSerial">The ProtocolMessage msgSerial of a realtime request.</param>
    /// <returns>The serial of the new version (UDR2a).</returns>
    public string Change(JObject change, MutationRights rights, string? connectionId, long? msgSerial)
    {
        var serial = change.Value<string>("serial")!;
        var action = change.Value<int>("action");
        var now = Server.NowMs;
        lock (_gate)
        {
            var previous = Versions.Latest(serial) ?? throw ErrorInfo.NotFound("Message not found: " + serial);
            rights.Check(previous.Value<string?>("clientId"));
            var seq = _seq + 1;
            var versionSerial = FormatSerial(seq) + ":0000";

            // A version is strictly later than the one it replaces, even within one millisecond.
            var previousStamp = previous["version"]?.Value<long?>("timestamp") ?? previous.Value<long?>("timestamp") ?? 0;
            var version = change["version"] as JObject ?? new JObject();
            var stamped = new JObject { ["serial"] = versionSerial, ["timestamp"] = Math.Max(now, previousStamp + 1) };
            foreach (var field in new[] { "clientId", "description", "metadata" })
            {
                if (version[field] is { Type: not JTokenType.Null } value)
                {
                    stamped[field] = value.DeepClone();
                }
            }

            var latest = (JObject)previous.DeepClone();
            latest["action"] = action == MessageActions.Append ? MessageActions.Update : action;
            latest["version"] = stamped;
            Patch(latest, change, action == MessageActions.Append);
            Versions.Add(serial, latest);

            // What subscribers see: the new state, except that an append carries only its fragment.
            var delivered = (JObject)latest.DeepClone();
            delivered["action"] = action;
            if (action == MessageActions.Append)
            {
                CopyPayload(change, delivered);
            }

            delivered["id"] = connectionId is not null
                ? string.Create(CultureInfo.InvariantCulture, $"{connectionId}:{msgSerial}:0")
                : Ids.Alnum(12) + ":0";
            var frame = MessageFrameFor(FormatSerial(seq), now, [StoredMessage.FromTree(delivered)], connectionId, msgSerial);

            _seq = seq;
            Emit(new ChannelEvent(seq, frame, connectionId, false, now) { IsChange = true });
            return versionSerial;
        }
    }

    /// <summary>Rewind on a channel whose messages changed replays each message once, at its latest version.</summary>
    private IEnumerable<ChannelEvent> LatestVersions(IEnumerable<ChannelEvent> events)
    {
        foreach (var e in events)
        {
            if (e.IsChange)
            {
                continue;
            }

            if (e.Frame.Message["messages"] is not JArray messages
                || !messages.OfType<JObject>().Any(m => m.Value<string?>("serial") is { } s && Versions.Latest(s)?["version"] is not null))
            {
                yield return e;
                continue;
            }

            var frame = (JObject)e.Frame.Message.DeepClone();
            frame["messages"] = new JArray(messages.OfType<JObject>().Select(m => m.Value<string?>("serial") is { } s && Versions.Latest(s) is { } l ? l.DeepClone() : m.DeepClone()));
            yield return e with { Frame = new OutgoingFrame(frame) };
        }
    }

    private static void Patch(JObject latest, JObject change, bool append)
    {
        foreach (var field in new[] { "name", "extras" })
        {
            if (change[field] is { Type: not JTokenType.Null } value)
            {
                latest[field] = value.DeepClone();
            }
        }

        if (!append)
        {
            if (change["data"] is { Type: not JTokenType.Null })
            {
                CopyPayload(change, latest);
            }

            return;
        }

        latest["data"] = Concatenate(latest, change);
    }

    private static void CopyPayload(JObject from, JObject to)
    {
        to["data"] = from["data"]?.DeepClone();
        if (from.Value<string?>("encoding") is { Length: > 0 } encoding)
        {
            to["encoding"] = encoding;
        }
        else
        {
            to.Remove("encoding");
        }
    }

    /// <summary>An append joins strings to strings and bytes to bytes, in the same encoding; anything else is refused (40013).</summary>
    private static JToken Concatenate(JObject latest, JObject change)
    {
        var before = latest["data"];
        var added = change["data"];
        if (added is null || added.Type == JTokenType.Null)
        {
            return before?.DeepClone() ?? JValue.CreateNull();
        }

        if ((latest.Value<string?>("encoding") ?? string.Empty) != (change.Value<string?>("encoding") ?? string.Empty))
        {
            throw new AblyException(40013, 400, "Invalid append: the appended data's encoding differs from the message's");
        }

        if (latest.Value<string?>("encoding") is { Length: > 0 } encoding && encoding != "utf-8")
        {
            // Encrypted or JSON payloads cannot be joined by concatenation.
            throw new AblyException(40013, 400, "Invalid append: data encoded as " + encoding + " cannot be appended to");
        }

        return (before?.Type ?? JTokenType.Null, added.Type) switch
        {
            (JTokenType.Null, _) => added.DeepClone(),
            (JTokenType.String, JTokenType.String) => new JValue((string)before! + (string)added!),
            (JTokenType.Bytes, JTokenType.Bytes) => new JValue(((byte[])before!).Concat((byte[])added!).ToArray()),
            _ => throw new AblyException(40013, 400, "Invalid append: only string data can be appended to string data, and binary to binary"),
        };
    }
}
