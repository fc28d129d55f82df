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
            case Actions.Annotation:
                PublishAnnotations(pm);
                break;
            case 19:
                // OBJECT carries a msgSerial and expects an ACK; refuse it explicitly rather than stall the client's ACK
                // pipeline (a skipped serial would be an implicit NACK anyway).
                if (BeginAck(pm, out var unsupportedSerial))
                {
                    Nack(unsupportedSerial, ErrorInfo.Create(40000, 400, "OBJECT messages are not supported by Reliably.Rx.Emulator"));
                }

                break;
            default:
                // RSF1/RTF1: unknown or unused actions are ignored.
                break;
        }
    }

    private async Task AttachAsync(JObject pm)
    {
        if (pm["channel"] is not JValue { Type: JTokenType.String } channelField)
        {
            Fail(ErrorInfo.Create(40010, 400, "ATTACH without a channel name"));
            return;
        }

        var wire = (string)channelField!;
        ChannelName name;
        ChannelParams parameters;
        try
        {
            // RTL4d: an invalid name or param fails the channel (ERROR with the channel), never the connection.
            name = ChannelName.Parse(wire);
            parameters = ChannelParams.Resolve(name.QualifierParams, pm["params"] as JObject);
            if (name.Filter is { } filter)
            {
                MessageFilter.Compile(filter);
            }
        }
        catch (AblyException ex)
        {
            Send(ChannelError(wire, ex.ToErrorInfo()));
            return;
        }

        var permitted = PermittedModes(name.Resource);

        // RTL4l/RTL4m: grant the requested modes the capability allows; params.modes, when given, replaces the flags'
        // modes; with none requested, the default set.
        var requested = parameters.Modes ?? (pm.Value<int?>("flags") ?? 0) & Flags.AllModes;
        if (requested == 0)
        {
            requested = Flags.DefaultModes;
        }

        if ((requested & permitted) == 0)
        {
            Send(ChannelError(wire, ErrorInfo.CapabilityDenied("attach to channel " + wire).ToErrorInfo()));
            return;
        }

        var delay = Server.Faults.AttachDelay;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, Server.Time).ConfigureAwait(false);
        }

        var channel = App.GetChannel(name.Resource);
        var attachment = new Attachment(this, channel, name, requested, permitted, parameters);
        Attachment? previous;
        bool mayResume;
        lock (_gate)
        {
            if (Discarded)
            {
                return;
            }

            previous = _attachments.GetValueOrDefault(wire);
            _attachments[wire] = attachment;

            // Channel continuity only for a connection that carried on (resume/recover) or already had the channel.
            mayResume = Continued || _everAttached.Contains(wire);
            _everAttached.Add(wire);
        }

        previous?.Channel.Detach(previous);
        var continuing = ((pm.Value<int?>("flags") ?? 0) & Flags.AttachResume) != 0;
        channel.Attach(attachment, pm.Value<string?>("channelSerial"), mayResume, continuing);
    }

    /// <summary>The modes the connection's capability allows on a channel (RTL4m: the server grants at most these).</summary>
    private int PermittedModes(string resource)
    {
        var capability = Auth.Capability;
        var permitted = 0;
        if (capability.Allows(resource, "publish")) permitted |= Flags.Publish;
        if (capability.Allows(resource, "subscribe")) permitted |= Flags.Subscribe | Flags.PresenceSubscribe;
        if (capability.Allows(resource, "presence")) permitted |= Flags.Presence;
        if (capability.Allows(resource, "annotation-publish")) permitted |= Flags.AnnotationPublish;
        if (capability.Allows(resource, "annotation-subscribe")) permitted |= Flags.AnnotationSubscribe;
        if (capability.Allows(resource, "object-publish")) permitted |= Flags.ObjectPublish;
        if (capability.Allows(resource, "object-subscribe")) permitted |= Flags.ObjectSubscribe;
        return permitted;
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
                lost = _attachments.Values.Where(a => !fresh.Capability.HasAny(a.Name.Resource)).ToList();
                foreach (var kept in _attachments.Values.Except(lost))
                {
                    kept.Regrant(PermittedModes(kept.Name.Resource));
                }
            }

            Send(BuildConnected(null));

            // A capability downgrade fails the channels no longer permitted (PROTOCOL.md 4.8).
            foreach (var a in lost)
            {
                DetachServerSide(a.WireName, forgetContinuity: true);
                Send(ChannelError(a.WireName, ErrorInfo.CapabilityDenied("channel " + a.WireName + " after re-authentication").ToErrorInfo()));
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

    private static JObject ChannelError(string channel, JObject error) =>
        new() { ["action"] = Actions.Error, ["channel"] = channel, ["error"] = error };
}
