using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// Delta compression for one attachment with <c>delta=vcdiff</c>: each message whose payload is a string or binary is
/// sent as a VCDIFF delta against the payload of the previous message sent to that attachment (RTL19, RTL20), with
/// <c>extras.delta = {from: previous id, format: "vcdiff"}</c> and <c>vcdiff</c> appended to its encoding (after
/// <c>utf-8</c> for a string). The first message after an attach, and any message following one that is not a string or
/// binary, is sent whole, so a client recovering from a decode failure by re-attaching (RTL18) starts from a full one.
/// </summary>
internal sealed class DeltaEncoder
{
    private string? _previousId;
    private byte[]? _previousPayload;

    /// <summary>The message as this attachment gets it: a delta when possible; the input is never modified.</summary>
    /// <param name="message">The message as the frame carries it.</param>
    /// <param name="id">Its id: its own, or the one the client derives from the frame (TM2a).</param>
    public JObject Encode(JObject message, string? id)
    {
        var payload = message["data"] switch
        {
            JValue { Type: JTokenType.String } s => Encoding.UTF8.GetBytes((string)s!),
            JValue { Type: JTokenType.Bytes } b => (byte[]?)b.Value ?? [],
            _ => null,
        };
        var previousId = _previousId;
        var previousPayload = _previousPayload;
        _previousId = payload is null ? null : id;
        _previousPayload = payload;
        if (payload is null || id is null || previousId is null || previousPayload is null)
        {
            return message;
        }

        var delta = (JObject)message.DeepClone();
        delta["data"] = new JValue(VcdiffEncoder.Encode(previousPayload, payload));
        var steps = message.Value<string?>("encoding") is { Length: > 0 } encoding ? encoding + "/" : string.Empty;
        delta["encoding"] = steps + (message["data"]!.Type == JTokenType.String ? "utf-8/vcdiff" : "vcdiff");
        var extras = delta["extras"] as JObject ?? new JObject();
        extras["delta"] = new JObject { ["from"] = previousId, ["format"] = "vcdiff" };
        delta["extras"] = extras;
        return delta;
    }
}
