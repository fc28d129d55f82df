using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Auth;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>ANNOTATION ProtocolMessages from clients (RTAN1c), ACKed once every annotation in them is stored.</summary>
internal sealed partial class Session
{
    private void PublishAnnotations(JObject pm)
    {
        if (!BeginAck(pm, out var msgSerial))
        {
            return;
        }

        try
        {
            var name = RequireChannel(pm);
            RequireMode(name, Flags.AnnotationPublish, "publish an annotation", "ANNOTATION_PUBLISH");
            ThrowIfInjectedNack();
            var serials = new JArray();
            foreach (var annotation in Items(pm, "annotations"))
            {
                serials.Add(Annotate(App, name.Resource, annotation, Auth, Id, msgSerial));
            }

            Ack(msgSerial, new JArray(new JObject { ["serials"] = serials }));
        }
        catch (AblyException ex)
        {
            Nack(msgSerial, ex.ToErrorInfo());
        }
    }

    /// <summary>
    /// Validates an annotation published over realtime or REST and stores it: the channel's namespace must allow
    /// annotations (93002), the requester needs <c>annotation-publish</c>, the annotation a message serial and a type
    /// (40003), a known action, and for the aggregations that count each client once an identified client.
    /// </summary>
    /// <returns>The annotation's serial.</returns>
    internal static string Annotate(EmulatorApp app, string channel, JObject annotation, AuthContext auth, string? connectionId, long? msgSerial)
    {
        if (!app.MutableMessages(channel))
        {
            throw new AblyException(93002, 400, "Annotations are only supported on channels with the message annotations, updates, deletes and appends rule in channel namespace settings");
        }

        if (!auth.Capability.Allows(channel, "annotation-publish"))
        {
            throw ErrorInfo.CapabilityDenied("annotation-publish on channel " + channel);
        }

        if (annotation["messageSerial"] is not JValue { Type: JTokenType.String } serial || ((string?)serial)!.Length == 0)
        {
            throw new AblyException(40003, 400, "The annotation lacks the serial of the message it annotates (messageSerial)");
        }

        if (annotation["type"] is not JValue { Type: JTokenType.String } typeField || (string?)typeField is not { Length: > 0 } type)
        {
            throw new AblyException(40003, 400, "The annotation lacks a type");
        }

        var action = annotation["action"] is { Type: JTokenType.Integer } a ? (int)a : annotation["action"] is null ? 0 : -1;
        if (action is not (0 or 1))
        {
            throw new AblyException(40003, 400, "Invalid annotation action: " + annotation["action"]);
        }

        annotation["action"] = action;
        if (annotation["count"] is { } count && count.Type is not (JTokenType.Integer or JTokenType.Null))
        {
            throw new AblyException(40003, 400, "Invalid annotation count: it must be an integer");
        }

        DataCodec.Ingress(annotation);
        if (annotation.Value<string?>("clientId") is { } clientId)
        {
            if (!auth.PermitsClientId(clientId))
            {
                throw new AblyException(40012, 400, $"Invalid clientId '{clientId}' for this connection");
            }
        }
        else if (auth.ClientId is { } own && own != "*")
        {
            annotation["clientId"] = own;
        }

        if (annotation["clientId"] is null && AnnotationSummary.NeedsClientId(type))
        {
            throw new AblyException(40003, 400, $"Annotations of type {type} count each client once and need an identified client (a clientId)");
        }

        annotation.Remove("serial");
        annotation.Remove("connectionId");
        if (annotation.Parent is not null)
        {
            annotation.Remove();
        }

        return app.GetChannel(channel).Annotate(annotation, connectionId, msgSerial);
    }
}
