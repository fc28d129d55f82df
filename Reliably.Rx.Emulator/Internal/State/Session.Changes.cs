using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>A MESSAGE whose message is an update, delete or append of an earlier one (RTL32), ACKed with the version serial.</summary>
internal sealed partial class Session
{
    /// <summary>True when the ProtocolMessage asks to change a message; it is then handled (ACKed or NACKed) here.</summary>
    private static bool IsChange(JObject pm)
    {
        // A loop, not LINQ: this runs on every publish.
        if (pm["messages"] is JArray messages)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                if (messages[i] is JObject m && m["action"] is { Type: JTokenType.Integer } a && MessageActions.IsChange((int)a))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void PublishChange(JObject pm, long msgSerial, ChannelName name)
    {
        var messages = Items(pm, "messages");
        if (messages.Count != 1)
        {
            // RTL32b: one message per change.
            throw new AblyException(40000, 400, "A message update, delete or append carries exactly one message");
        }

        var change = messages[0];
        var versionSerial = Change(App, name.Resource, change, Auth.Capability, Auth.ClientId, Id, msgSerial);
        Ack(msgSerial, new JArray(new JObject { ["serials"] = new JArray(versionSerial) }));
    }

    /// <summary>Validates and applies a change requested over realtime or REST; returns the new version serial.</summary>
    internal static string Change(EmulatorApp app, string channel, JObject change, Auth.Capability capability, string? clientId, string? connectionId, long? msgSerial)
    {
        if (!app.MutableMessages(channel))
        {
            throw new AblyException(93002, 400, "Message updates, deletes and appends are only supported on channels with mutable messages enabled in channel namespace settings");
        }

        var action = change["action"] is { Type: JTokenType.Integer } a ? (int)a : -1;
        if (!MessageActions.IsChange(action))
        {
            throw new AblyException(40003, 400, "Invalid message action for an update, delete or append: " + change["action"]);
        }

        if (change["serial"] is not { Type: JTokenType.String } serial || ((string?)serial)!.Length == 0)
        {
            throw new AblyException(40003, 400, "The message to update, delete or append to lacks a serial");
        }

        if (change["version"] is { } version && version.Type is not (JTokenType.Object or JTokenType.Null))
        {
            throw new AblyException(40003, 400, "Invalid version: the operation must be an object");
        }

        DataCodec.Ingress(change);
        change.Remove("connectionKey");
        change.Remove("connectionId");
        if (change.Parent is not null)
        {
            change.Remove();
        }

        var rights = MutationRights.For(capability, channel, clientId, action);
        return app.GetChannel(channel).Change(change, rights, connectionId, msgSerial);
    }
}
