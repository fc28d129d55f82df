using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Tests.Protocol;

/// <summary>
/// ACK and MESSAGE frames are written straight from their fields on the hot path, and built as trees only when a fault
/// rule or the frame log reads them: both forms must be the same frame in both wire formats.
/// </summary>
public sealed class DirectFrameTests
{
    private static readonly StoredMessage[] Stored =
    [
        Message("conn-1:7:0", "name-a", "text with \"quotes\", é and \u2028", 1000),
        Message("conn-1:7:1", null, null, 1000, extras: JObject.Parse("""{"headers":{"k":"v","n":1.5,"b":true,"z":null},"list":[1,2.0,"x"]}""")),
        Message("own-id", "n", "x", 999, connectionId: "other"),
    ];

    [Test]
    public void RTN7a_Ack_WithSerials_MatchesItsTree([Values] bool msgpack)
    {
        var format = msgpack ? WireFormat.MsgPack : WireFormat.Json;
        AssertSameFrame(new AckFrame(42, ["serial-a", null, "serial-c"]), format);
    }

    [Test]
    public void RTN7a_Ack_WithoutResult_MatchesItsTree([Values] bool msgpack)
    {
        var format = msgpack ? WireFormat.MsgPack : WireFormat.Json;
        AssertSameFrame(new AckFrame(0, null), format);
    }

    [Test]
    public void TM2a_MessageFrame_FromRealtimePublisher_MatchesItsTree([Values] bool msgpack)
    {
        var format = msgpack ? WireFormat.MsgPack : WireFormat.Json;
        var frame = new MessageFrame("chan", "abc-000000000001", 1000, Stored, "conn-1:7", "conn-1");
        AssertSameFrame(frame, format);
        var messages = (JArray)Parse(new OutgoingFrame(frame).GetBytes(format), format)["messages"]!;
        Assert.That(messages[0]!["id"], Is.Null, "an id derivable from the frame id and index is left out (TM2a)");
        Assert.That(messages[1]!["connectionId"], Is.Null, "the frame's connectionId is left out (TM2c)");
        Assert.That(messages[1]!["timestamp"], Is.Null, "the frame's timestamp is left out (TM2f)");
        Assert.That((string?)messages[2]!["id"], Is.EqualTo("own-id"));
        Assert.That((string?)messages[2]!["connectionId"], Is.EqualTo("other"));
        Assert.That((long?)messages[2]!["timestamp"], Is.EqualTo(999));
    }

    [Test]
    public void TM2a_MessageFrame_FromRest_MatchesItsTree([Values] bool msgpack)
    {
        var format = msgpack ? WireFormat.MsgPack : WireFormat.Json;
        AssertSameFrame(new MessageFrame("chan", "abc-000000000002", 1000, Stored, null, null), format);
    }

    [Test]
    public void MessageFrame_WithBinaryData_IsBase64InJsonAndBinaryInMsgPack()
    {
        var binary = Message("conn-1:8:0", "bin", null, 1000);
        binary.Data = new byte[] { 1, 2, 255 };
        var frame = new OutgoingFrame(new MessageFrame("chan", "abc-000000000003", 1000, [binary], "conn-1:8", "conn-1"));

        var json = (JObject)Parse(frame.GetBytes(WireFormat.Json), WireFormat.Json)["messages"]![0]!;
        Assert.That((string?)json["data"], Is.EqualTo("AQL/"));
        Assert.That((string?)json["encoding"], Is.EqualTo("base64"));
        var msgpack = (JObject)Parse(frame.GetBytes(WireFormat.MsgPack), WireFormat.MsgPack)["messages"]![0]!;
        Assert.That((byte[]?)msgpack["data"], Is.EqualTo(new byte[] { 1, 2, 255 }));
    }

    private static void AssertSameFrame(FrameContent content, WireFormat format)
    {
        var direct = Parse(new OutgoingFrame(content).GetBytes(format), format);
        var viaTree = Parse(new OutgoingFrame(content.ToTree()).GetBytes(format), format);
        Assert.That(JToken.DeepEquals(direct, viaTree), Is.True, $"direct {direct}\ntree {viaTree}");
        Assert.That(string.Join(",", direct.Properties().Select(p => p.Name)), Is.EqualTo(string.Join(",", viaTree.Properties().Select(p => p.Name))));
        Assert.That(new OutgoingFrame(content).Message.ToString(), Is.EqualTo(content.ToTree().ToString()));
        Assert.That(new OutgoingFrame(content).Action, Is.EqualTo(viaTree.Value<int>("action")));
        if (format == WireFormat.Json)
        {
            Assert.That(Encoding.UTF8.GetString(new OutgoingFrame(content).GetBytes(format)), Does.Not.Contain("\\u00e9"), "non-ASCII text is written as UTF-8");
        }
    }

    private static JObject Parse(byte[] bytes, WireFormat format) => (JObject)WireCodec.Decode(bytes, format);

    private static StoredMessage Message(string id, string? name, string? data, long timestamp, JObject? extras = null, string connectionId = "conn-1")
    {
        var m = new JObject { ["id"] = id };
        if (name is not null)
        {
            m["name"] = name;
        }

        if (data is not null)
        {
            m["data"] = data;
        }

        if (extras is not null)
        {
            m["extras"] = extras;
        }

        m["connectionId"] = connectionId;
        m["timestamp"] = timestamp;
        m["serial"] = "abc-000000000001:0000";
        return StoredMessage.FromTree(m);
    }
}
