using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>Handling of client→server ProtocolMessages.</summary>
internal sealed partial class Session
{
    /// <summary>Handles one inbound ProtocolMessage. Ably-shaped failures become NACK/ERROR frames, never exceptions.</summary>
    public async Task HandleAsync(JObject pm)
    {
        var action = pm["action"]?.Type == JTokenType.Integer ? pm.Value<int>("action") : -1;
        switch (action)
        {
            case Actions.Heartbeat:
                // RTN13e: echo the ping id.
                var reply = new JObject { ["action"] = Actions.Heartbeat };
                if (pm["id"] is { Type: not JTokenType.Null } id)
                {
                    reply["id"] = id.DeepClone();
                }

                Send(reply);
                break;
            case Actions.Close:
                // RTN12: CLOSED, then the socket closes; members leave at once and the state is discarded.
                LeaveAllPresence();
                Send(new JObject { ["action"] = Actions.Closed });
                Discard();
                break;
            case Actions.Disconnect:
                _transport?.EndAfterFlush();
                break;
            case Actions.Attach:
                await AttachAsync(pm).ConfigureAwait(false);
                break;
            case Actions.Detach:
                Detach(pm);
                break;
            case Actions.Message:
                Publish(pm);
                break;
            case Actions.Presence:
                Presence(pm);
                break;
            case Actions.Sync:
                if (pm.Value<string?>("channel") is { } syncChannel && FindAttachment(syncChannel) is { } a)
                {
                    a.Channel.ResendSync(a);
                }

                break;
            case Actions.Auth:
                Reauthorise(pm);
                break;
            default:
                // RSF1/RTF1: unknown or unused actions are ignored.
                break;
        }
    }

    private async Task AttachAsync(JObject pm)
    {
        var name = pm.Value<string?>("channel");
        if (string.IsNullOrEmpty(name))
        {
            Fail(ErrorInfo.Create(40010, 400, "ATTACH without a channel name"));
            return;
        }

        var capability = Auth.Capability;
        var permitted = 0;
        if (capability.Allows(name, "publish")) permitted |= Flags.Publish;
        if (capability.Allows(name, "subscribe")) permitted |= Flags.Subscribe | Flags.PresenceSubscribe;
        if (capability.Allows(name, "presence")) permitted |= Flags.Presence;
        if (capability.Allows(name, "annotation-publish")) permitted |= Flags.AnnotationPublish;
        if (capability.Allows(name, "annotation-subscribe")) permitted |= Flags.AnnotationSubscribe;
        if (capability.Allows(name, "object-publish")) permitted |= Flags.ObjectPublish;
        if (capability.Allows(name, "object-subscribe")) permitted |= Flags.ObjectSubscribe;

        // RTL4l/RTL4m: grant the requested modes the capability allows; with none requested, the default set.
        var requested = (pm.Value<int?>("flags") ?? 0) & Flags.AllModes;
        var granted = requested == 0 ? permitted & Flags.DefaultModes : requested & permitted;
        if (granted == 0)
        {
            Send(ChannelError(name, ErrorInfo.CapabilityDenied("attach to channel " + name).ToErrorInfo()));
            return;
        }

        var parameters = pm["params"] as JObject;
        var delay = Server.Faults.AttachDelay;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, Server.Time).ConfigureAwait(false);
        }

        var channel = App.GetChannel(name);
        var attachment = new Attachment(this, channel, granted, parameters);
        Attachment? previous;
        bool mayResume;
        lock (_gate)
        {
            if (Discarded)
            {
                return;
            }

            previous = _attachments.GetValueOrDefault(name);
            _attachments[name] = attachment;

            // Channel continuity only for a connection that carried on (resume/recover) or already had the channel.
            mayResume = Continued || _everAttached.Contains(name);
            _everAttached.Add(name);
        }

        if (previous is not null)
        {
            channel.Detach(previous);
        }

        try
        {
            channel.Attach(attachment, pm.Value<string?>("channelSerial"), mayResume, parameters?.Value<string?>("rewind"));
        }
        catch (AblyException ex)
        {
            lock (_gate)
            {
                _attachments.Remove(name);
            }

            Send(ChannelError(name, ex.ToErrorInfo()));
        }
    }

    private void Detach(JObject pm)
    {
        var name = pm.Value<string?>("channel");
        if (string.IsNullOrEmpty(name))
        {
            return;
        }

        DetachServerSide(name, forgetContinuity: true);
        Send(new JObject { ["action"] = Actions.Detached, ["channel"] = name });
    }

    /// <summary>
    /// Removes the attachment without telling the client (caller sends DETACHED or ERROR). A client DETACH forgets
    /// continuity (the client clears its channelSerial); a server-initiated one keeps it so the RTL13 re-attach can resume.
    /// </summary>
    public void DetachServerSide(string name, bool forgetContinuity)
    {
        Attachment? attachment;
        lock (_gate)
        {
            if (_attachments.Remove(name, out attachment) && forgetContinuity)
            {
                _everAttached.Remove(name);
            }
        }

        attachment?.Channel.Detach(attachment);
    }

    private void Publish(JObject pm)
    {
        if (!BeginAck(pm, out var msgSerial))
        {
            return;
        }

        try
        {
            var name = RequireChannel(pm);
            if (!Auth.Capability.Allows(name, "publish"))
            {
                throw ErrorInfo.CapabilityDenied("publish to channel " + name);
            }

            var messages = Items(pm, "messages");
            long size = 0;
            foreach (var m in messages)
            {
                DataCodec.Ingress(m);
                m.Remove("connectionKey");
                if (m.Value<string?>("clientId") is { } cid)
                {
                    if (!Auth.PermitsClientId(cid))
                    {
                        throw new AblyException(40012, 400, $"Invalid clientId '{cid}' for this connection");
                    }
                }
                else if (Auth.ClientId is { } own && own != "*")
                {
                    m["clientId"] = own;
                }

                size += DataCodec.Size(m);
            }

            CheckSize(size);
            ThrowIfInjectedNack();
            var serials = App.GetChannel(name).Publish(messages, Id, msgSerial);
            Ack(msgSerial, new JArray(new JObject { ["serials"] = new JArray(serials.Select(s => (JToken?)s ?? JValue.CreateNull())) }));
        }
        catch (AblyException ex)
        {
            Nack(msgSerial, ex.ToErrorInfo());
        }
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
            if (!Auth.Capability.Allows(name, "presence"))
            {
                throw ErrorInfo.CapabilityDenied("presence on channel " + name);
            }

            var items = Items(pm, "presence");
            long size = 0;
            foreach (var p in items)
            {
                DataCodec.Ingress(p);
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
            App.GetChannel(name).ApplyPresence(items, Id, msgSerial);
            Ack(msgSerial, null);
        }
        catch (AblyException ex)
        {
            Nack(msgSerial, ex.ToErrorInfo());
        }
    }

    private void Reauthorise(JObject pm)
    {
        var token = pm["auth"]?["accessToken"]?.Type == JTokenType.String ? pm["auth"]!.Value<string>("accessToken") : null;
        if (string.IsNullOrEmpty(token))
        {
            Fail(ErrorInfo.Create(40101, 401, "AUTH requires auth.accessToken"));
            return;
        }

        try
        {
            var fresh = Server.Authenticator.FromToken(token, null);
            if (fresh.App != App)
            {
                throw new AblyException(40102, 401, "Incompatible credentials: token is for another app");
            }

            // RTC8a2: the identity of a connection cannot change.
            var current = Auth.ClientId;
            var next = fresh.ClientId;
            if (current is not null && current != "*" && next != "*" && next != current)
            {
                throw new AblyException(40012, 400, $"Incompatible clientId: connection is '{current}', token is '{next ?? "(none)"}'");
            }

            if (current is not null && current != "*" && next == "*")
            {
                fresh = fresh with { ClientId = current };
            }

            List<Attachment> lost;
            lock (_gate)
            {
                Auth = fresh;
                ScheduleTokenExpiry();
                lost = _attachments.Values.Where(a => !fresh.Capability.HasAny(a.Channel.Name)).ToList();
            }

            Send(BuildConnected(null));

            // A capability downgrade fails the channels no longer permitted (PROTOCOL.md 4.8).
            foreach (var a in lost)
            {
                DetachServerSide(a.Channel.Name, forgetContinuity: true);
                Send(ChannelError(a.Channel.Name, ErrorInfo.CapabilityDenied("channel " + a.Channel.Name + " after re-authentication").ToErrorInfo()));
            }
        }
        catch (AblyException ex)
        {
            if (ex.Code is >= 40140 and < 40150)
            {
                DisconnectTransport(ex.ToErrorInfo());
            }
            else
            {
                Fail(ex.ToErrorInfo());
            }
        }
    }

    /// <summary>
    /// Starts ACK bookkeeping. A msgSerial already processed (a resend after a successful resume, RTN19a) is ACKed
    /// again with the original result and not republished.
    /// </summary>
    private bool BeginAck(JObject pm, out long msgSerial)
    {
        msgSerial = pm["msgSerial"]?.Type == JTokenType.Integer ? pm.Value<long>("msgSerial") : -1;
        lock (_gate)
        {
            if (msgSerial >= 0 && _acks.TryGetValue(msgSerial, out var previous))
            {
                Send(new OutgoingFrame((JObject)previous.DeepClone()));
                return false;
            }
        }

        return true;
    }

    private void Ack(long msgSerial, JArray? res)
    {
        var ack = new JObject { ["action"] = Actions.Ack, ["msgSerial"] = msgSerial, ["count"] = 1 };
        if (res is not null)
        {
            ack["res"] = res;
        }

        Reply(msgSerial, ack);
    }

    private void Nack(long msgSerial, JObject error) =>
        Reply(msgSerial, new JObject { ["action"] = Actions.Nack, ["msgSerial"] = msgSerial, ["count"] = 1, ["error"] = error });

    private void Reply(long msgSerial, JObject reply)
    {
        if (msgSerial < 0)
        {
            return;
        }

        lock (_gate)
        {
            _acks[msgSerial] = reply;
            _ackOrder.Enqueue(msgSerial);
            if (_ackOrder.Count > AckMemory)
            {
                _acks.Remove(_ackOrder.Dequeue());
            }
        }

        var delay = Server.Faults.AckDelay;
        var frame = new OutgoingFrame(reply);
        var transport = _transport;
        if (delay <= TimeSpan.Zero)
        {
            transport?.Enqueue(frame);
            return;
        }

        // Delayed ACKs go to the transport the publish arrived on; if that one has died, the resent publish is re-ACKed.
        _ = Task.Delay(delay, Server.Time).ContinueWith(_ => transport?.Enqueue(frame), TaskScheduler.Default);
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

    private static string RequireChannel(JObject pm) =>
        pm.Value<string?>("channel") is { Length: > 0 } name ? name : throw new AblyException(40010, 400, "Missing channel name");

    private static List<JObject> Items(JObject pm, string field)
    {
        if (pm[field] is not JArray array || array.Count == 0)
        {
            throw new AblyException(40000, 400, $"ProtocolMessage has no {field}");
        }

        return array.Select(t => t as JObject ?? throw new AblyException(40000, 400, $"Invalid entry in {field}")).ToList();
    }

    private static JObject ChannelError(string channel, JObject error) =>
        new() { ["action"] = Actions.Error, ["channel"] = channel, ["error"] = error };
}
