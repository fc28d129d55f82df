using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>MESSAGE and PRESENCE from the client, and their ACK/NACK bookkeeping (RTN7, RTN19a).</summary>
internal sealed partial class Session
{
    /// <summary>
    /// The transport that the frame being handled was read from: set by the receive path for each frame, and flowing
    /// through its handling. Replies to the frame go to that transport only.
    /// </summary>
    internal static readonly AsyncLocal<Realtime.IServerTransport?> InboundTransport = new();

    private DelayedReplies? _delayedReplies;

    /// <summary>
    /// Where a reply (ACK, NACK) to the frame being handled goes: the transport it was read from, or nowhere when a resume
    /// has replaced that transport meanwhile. Ably acknowledges a connection's publishes in msgSerial order (RTN7b): a
    /// reply to a frame of the old transport sent on the new one could overtake the re-ACK of an earlier msgSerial that the
    /// client has just resent there (RTN19a), and the client would take the earlier publish as skipped. The client resends
    /// everything unacknowledged on the new transport, where the reply remembered for the msgSerial answers it.
    /// </summary>
    private Realtime.IServerTransport? ReplyTransport()
    {
        var transport = _transport;
        return InboundTransport.Value is { } inbound && !ReferenceEquals(inbound, transport) ? null : transport;
    }

    // A connection usually publishes to one channel over and over: its name is parsed once, and the reader shares it.
    private ChannelName? _lastPublishChannel;

    /// <summary>The channel name of this connection's latest publish read without a tree.</summary>
    public string? LastPublishChannel => _lastPublishChannel?.Wire;

    private void Publish(JObject pm)
    {
        var msgSerial = MsgSerial(pm);
        if (!BeginAck(msgSerial))
        {
            return;
        }

        try
        {
            var name = RequireChannel(pm);
            if (IsChange(pm))
            {
                // Changes need the message-update/delete capabilities, not publish.
                PublishChange(pm, msgSerial, name);
                return;
            }

            CheckPublish(name);
            if (pm["params"] is JObject publishParams && publishParams.Value<string?>("_forceNack") is "true" or "True")
            {
                // Test hook used by the SDK suites: the publish is refused with 40099.
                throw new AblyException(40099, 400, "Forced NACK (_forceNack=true)");
            }

            var items = Items(pm, "messages");
            var messages = new List<StoredMessage>(items.Count);
            foreach (var m in items)
            {
                m.Remove("connectionKey");
                messages.Add(StoredMessage.FromTree(m));
            }

            PublishChecked(name, msgSerial, messages);
        }
        catch (AblyException ex)
        {
            Nack(msgSerial, ex.ToErrorInfo());
        }
    }

    /// <summary>A MESSAGE read straight into the compact form (<see cref="InboundPublish"/>): the same checks, no tree.</summary>
    public void Publish(InboundPublish publish)
    {
        if (!BeginAck(publish.MsgSerial))
        {
            return;
        }

        try
        {
            var name = _lastPublishChannel is { } last && ReferenceEquals(last.Wire, publish.Channel)
                ? last
                : _lastPublishChannel = ChannelName.Parse(publish.Channel);
            CheckPublish(name);
            PublishChecked(name, publish.MsgSerial, publish.Messages);
        }
        catch (AblyException ex)
        {
            Nack(publish.MsgSerial, ex.ToErrorInfo());
        }
    }

    private void CheckPublish(ChannelName name)
    {
        if (!Auth.Capability.Allows(name.Resource, "publish"))
        {
            throw ErrorInfo.CapabilityDenied("publish to channel " + name.Wire);
        }

        RequireMode(name, Flags.Publish, "publish a message", "PUBLISH");
    }

    /// <summary>Decodes, attributes and size-checks the messages (RSL1i), then publishes them and ACKs the serials.</summary>
    private void PublishChecked(ChannelName name, long msgSerial, List<StoredMessage> messages)
    {
        long size = 0;
        foreach (var m in messages)
        {
            m.Ingress();
            if (m.ClientId is { } cid)
            {
                if (!Auth.PermitsClientId(cid))
                {
                    throw new AblyException(40012, 400, $"Invalid clientId '{cid}' for this connection");
                }
            }
            else if (Auth.ClientId is { } own && own != "*")
            {
                m.ClientId = own;
            }

            size += m.Size();
        }

        CheckSize(size);
        ThrowIfInjectedNack();
        var serials = App.GetChannel(name.Resource).Publish(messages, Id, msgSerial);
        Reply(msgSerial, new OutgoingFrame(new AckFrame(msgSerial, serials)));
    }

    private void Presence(JObject pm)
    {
        if (!BeginAck(pm, out var msgSerial))
        {
            return;
        }

        try
        {
            var name = RequireChannel(pm);
            if (!Auth.Capability.Allows(name.Resource, "presence"))
            {
                throw ErrorInfo.CapabilityDenied("presence on channel " + name.Wire);
            }

            RequireMode(name, Flags.Presence, "enter, update or leave presence", "PRESENCE");

            var items = Items(pm, "presence");
            long size = 0;
            foreach (var p in items)
            {
                DataCodec.Ingress(p);
                if (p["action"] is { } action && (action.Type != JTokenType.Integer || (int)action is < 1 or > 4))
                {
                    throw new AblyException(40000, 400, "Invalid presence action " + action);
                }

                var explicitId = p.Value<string?>("clientId");
                var clientId = explicitId ?? Auth.ClientId;
                if (string.IsNullOrEmpty(clientId) || clientId == "*")
                {
                    // RTP8j: entering needs a concrete identity.
                    throw new AblyException(91000, 400, "Unable to enter presence channel with no clientId");
                }

                if (explicitId is not null && !Auth.PermitsClientId(explicitId))
                {
                    // RTP15f: enterClient with another clientId needs a wildcard identity.
                    throw new AblyException(40012, 400, $"Invalid clientId '{explicitId}' for this connection");
                }

                p["clientId"] = clientId;
                size += DataCodec.Size(p);
            }

            CheckSize(size);
            ThrowIfInjectedNack();
            App.GetChannel(name.Resource).ApplyPresence(items, Id, msgSerial);
            Reply(msgSerial, new OutgoingFrame(new AckFrame(msgSerial, null)));
        }
        catch (AblyException ex)
        {
            Nack(msgSerial, ex.ToErrorInfo());
        }
    }

    /// <summary>
    /// Starts ACK bookkeeping. A msgSerial already processed (a resend after a successful resume, RTN19a) is ACKed
    /// again with the original result and not republished.
    /// </summary>
    private bool BeginAck(JObject pm, out long msgSerial) => BeginAck(msgSerial = MsgSerial(pm));

    /// <inheritdoc cref="BeginAck(JObject, out long)"/>
    /// <remarks>A resend that arrives while the original is still being handled waits for its reply (see <see cref="ReplyMemory"/>).</remarks>
    private bool BeginAck(long msgSerial)
    {
        if (msgSerial < 0)
        {
            return true;
        }

        var faults = Server.Faults;
        if (!_replies.TryBegin(msgSerial, ResendWait, faults.ResendWaits is { } waits ? () => waits(Id, msgSerial) : null, out var previous))
        {
            // Behind every reply made before it, like any other (RTN7b); not delayed again.
            SendReply(TimeSpan.Zero, previous!);
            return false;
        }

        faults.AfterAckBegun?.Invoke(Id, msgSerial);
        return true;
    }

    /// <summary>How long a resend waits for the original's handling to reply before it is handled itself.</summary>
    private static readonly TimeSpan ResendWait = TimeSpan.FromSeconds(10);

    /// <summary>The msgSerial of a ProtocolMessage that expects an ACK, or -1.</summary>
    private static long MsgSerial(JObject pm) => pm["msgSerial"]?.Type == JTokenType.Integer ? pm.Value<long>("msgSerial") : -1;

    /// <summary>An ACK with a result given as a tree (rare paths; publishes use <see cref="AckFrame"/>).</summary>
    private void Ack(long msgSerial, JArray? res)
    {
        var ack = new JObject { ["action"] = Actions.Ack, ["msgSerial"] = msgSerial, ["count"] = 1 };
        if (res is not null)
        {
            ack["res"] = res;
        }

        Reply(msgSerial, new OutgoingFrame(ack));
    }

    private void Nack(long msgSerial, JObject error) =>
        Reply(msgSerial, new OutgoingFrame(new JObject { ["action"] = Actions.Nack, ["msgSerial"] = msgSerial, ["count"] = 1, ["error"] = error }));

    /// <summary>Sends an ACK or NACK and remembers it for a resend of the same msgSerial (RTN19a); frames are immutable once sent.</summary>
    private void Reply(long msgSerial, OutgoingFrame frame)
    {
        if (msgSerial < 0)
        {
            return;
        }

        _replies.Remember(msgSerial, frame);

        // Delayed ACKs go to the transport the publish arrived on; if that one has died, the resent publish is re-ACKed.
        SendReply(Server.Faults.AckDelay, frame);
    }

    /// <summary>
    /// Sends a reply to the transport of the frame being handled (<see cref="ReplyTransport"/>), through the connection's
    /// one ordered path (<see cref="DelayedReplies"/>): a connection's ACKs and NACKs leave in the order they were made.
    /// </summary>
    private void SendReply(TimeSpan delay, OutgoingFrame frame)
    {
        if (ReplyTransport() is not { } transport)
        {
            return;
        }

        var replies = _delayedReplies;
        if (replies is null)
        {
            var created = new DelayedReplies(Server.Time, Server.Faults, Id);
            replies = Interlocked.CompareExchange(ref _delayedReplies, created, null) ?? created;
        }

        replies.Send(delay, frame, transport);
    }

    private void CheckSize(long size)
    {
        if (size > Server.Options.MaxMessageSize)
        {
            // RSL1i / TO3l8.
            throw new AblyException(40009, 400, $"Maximum message length exceeded (size {size}, limit {Server.Options.MaxMessageSize})");
        }
    }

    private void ThrowIfInjectedNack()
    {
        if (Server.Faults.TryConsumeNack(Id) is { } error)
        {
            throw new AblyException(error.Code, error.StatusCode, error.Message);
        }
    }

    /// <summary>The channel a MESSAGE or PRESENCE targets; an invalid name is NACKed with 40010 (RTL6b).</summary>
    private static ChannelName RequireChannel(JObject pm) =>
        ChannelName.Parse(pm["channel"]?.Type == JTokenType.String ? (string?)pm["channel"] : null);

    /// <summary>
    /// An attached channel allows only the operations of the modes granted at attach (RTL4m): the credentials may
    /// permit more, but the client did not ask for it (40165). Publishing without attaching is not limited (RTL6c5).
    /// </summary>
    private void RequireMode(ChannelName name, int mode, string operation, string modeName)
    {
        if (FindAttachment(name.Wire) is { } attachment && (attachment.Requested & mode) == 0)
        {
            throw new AblyException(40165, 401, $"Unable to {operation} as client did not request the {modeName} mode when attaching");
        }
    }

    private static List<JObject> Items(JObject pm, string field)
    {
        if (pm[field] is not JArray array || array.Count == 0)
        {
            throw new AblyException(40000, 400, $"ProtocolMessage has no {field}");
        }

        var items = new List<JObject>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            items.Add(array[i] as JObject ?? throw new AblyException(40000, 400, $"Invalid entry in {field}"));
        }

        return items;
    }
}
