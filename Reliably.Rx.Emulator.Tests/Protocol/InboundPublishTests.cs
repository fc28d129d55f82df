using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Tests.Protocol;

/// <summary>
/// A MESSAGE is read straight into the compact stored form on the publish path; every other frame, and every MESSAGE
/// the reader does not take as it is, goes through the tree. Both must store the same messages.
/// </summary>
public sealed class InboundPublishTests
{
    private const string Frame = """
        {"action":15,"channel":"chan","msgSerial":3,"id":"ignored:3","count":2,"messages":[
          {"name":"n","data":"text é \"q\" \u2028","clientId":"c","id":"own:0","encoding":"utf-8","timestamp":12,
           "extras":{"headers":{"a":1,"b":[true,null,2.5]}},"connectionKey":"key!x","connectionId":"claimed","serial":"s","custom":[1,2.5]},
          {"data":{"o":1}},
          {"data":null,"name":null,"action":0},
          {"data":"AQL/","encoding":"cipher/base64","timestamp":1.5}
        ]}
        """;

    [Test]
    public void RTL6_Message_IsReadAsTheTreePathStoresIt([Values] bool msgpack)
    {
        var format = msgpack ? WireFormat.MsgPack : WireFormat.Json;
        var tree = (JObject)JsonTree.Read(Encoding.UTF8.GetBytes(Frame));
        var bytes = WireCodec.Encode(tree, format);

        var publish = InboundPublish.TryRead(bytes, format);

        Assert.That(publish, Is.Not.Null);
        Assert.That(publish!.Channel, Is.EqualTo("chan"));
        Assert.That(publish.MsgSerial, Is.EqualTo(3));
        var expected = ((JArray)WireCodec.Decode(bytes, format)["messages"]!).Cast<JObject>().Select(TreePath).ToList();
        Assert.That(publish.Messages, Has.Count.EqualTo(expected.Count));
        for (var i = 0; i < expected.Count; i++)
        {
            var actual = Stamped(publish.Messages[i]);
            Assert.That(JToken.DeepEquals(actual, expected[i]), Is.True, $"message {i}\nread {actual}\ntree {expected[i]}");
        }

        Assert.That(publish.Messages[0].Others!.Properties().Select(p => p.Name), Is.EqualTo(new[] { "extras", "custom" }));
        Assert.That(publish.Messages[3].Data, Is.EqualTo(new byte[] { 1, 2, 255 }), "base64 is decoded on ingress (PROTOCOL.md 3.3)");
        Assert.That(publish.Messages[3].Encoding, Is.EqualTo("cipher"));
    }

    [Test]
    public void RTL6_MsgPackBinaryData_StaysBinary()
    {
        var tree = new JObject
        {
            ["action"] = 15,
            ["channel"] = "chan",
            ["msgSerial"] = 0,
            ["messages"] = new JArray(new JObject { ["data"] = new JValue(new byte[] { 0, 1, 2 }), ["encoding"] = "cipher" }),
        };

        var publish = InboundPublish.TryRead(WireCodec.Encode(tree, WireFormat.MsgPack), WireFormat.MsgPack);

        Assert.That(publish!.Messages[0].Data, Is.EqualTo(new byte[] { 0, 1, 2 }));
        Assert.That(publish.Messages[0].Encoding, Is.EqualTo("cipher"));
    }

    [Test]
    public void RTL6_TheConnectionsPreviousChannelName_IsShared([Values] bool msgpack)
    {
        var format = msgpack ? WireFormat.MsgPack : WireFormat.Json;
        var previous = new string("chan".AsSpan());
        var bytes = WireCodec.Encode(JsonTree.Read(Encoding.UTF8.GetBytes(Frame)), format);

        Assert.That(InboundPublish.TryRead(bytes, format, previous)!.Channel, Is.SameAs(previous));
        Assert.That(InboundPublish.TryRead(bytes, format, "other")!.Channel, Is.EqualTo("chan"));
        Assert.That(InboundPublish.TryRead(bytes, format, "cha")!.Channel, Is.EqualTo("chan"));
    }

    private static readonly string[] Declined =
    [
        """{"action":10,"channel":"chan","msgSerial":0}""",
        """{"action":15,"channel":"chan","msgSerial":0,"params":{"_forceNack":"true"},"messages":[{}]}""",
        """{"action":15,"channel":"chan","msgSerial":0,"messages":[{"action":1,"serial":"s"}]}""",
        """{"action":15,"channel":"chan","msgSerial":0,"messages":[{"action":5,"serial":"s"}]}""",
        """{"action":15,"channel":"chan","msgSerial":0,"messages":[{"name":5}]}""",
        """{"action":15,"channel":"chan","msgSerial":0,"messages":[{"clientId":{"a":1}}]}""",
        """{"action":15,"channel":"chan","msgSerial":0,"messages":[{"serial":5}]}""",
        """{"action":15,"channel":"chan","msgSerial":0,"messages":[]}""",
        """{"action":15,"channel":"chan","msgSerial":0,"messages":[1]}""",
        """{"action":15,"channel":"chan","msgSerial":0,"messages":{}}""",
        """{"action":15,"msgSerial":0,"messages":[{}]}""",
        """{"action":15,"channel":7,"msgSerial":0,"messages":[{}]}""",
        """{"action":15,"channel":"chan","msgSerial":"0","messages":[{}]}""",
        """{"action":15,"channel":"chan","msgSerial":1.0,"messages":[{}]}""",
        """{"action":15,"channel":"chan","msgSerial":99999999999999999999,"messages":[{}]}""",
        """{"action":15.0,"channel":"chan","msgSerial":0,"messages":[{}]}""",
        """{"channel":"chan","msgSerial":0,"messages":[{}]}""",
        """{"action":15,"channel":"chan","msgSerial":0,"messages":[{}]} trailing""",
        """{"action":15,"channel":"chan","msgSerial":0,"messages":[{"data":"x"}""",
        """[15]""",
    ];

    [TestCaseSource(nameof(Declined))]
    public void RTL6_FramesTheReaderDoesNotTakeAsTheyAre_GoThroughTheTree(string frame)
    {
        Assert.That(InboundPublish.TryRead(Encoding.UTF8.GetBytes(frame), WireFormat.Json), Is.Null);
    }

    [TestCaseSource(nameof(Declined))]
    public void RTL6_FramesTheReaderDoesNotTakeAsTheyAre_GoThroughTheTree_MsgPack(string frame)
    {
        JToken tree;
        try
        {
            tree = JsonTree.Read(Encoding.UTF8.GetBytes(frame));
        }
        catch (Exception ex) when (ex is AblyException or System.Text.Json.JsonException)
        {
            Assert.Pass("not JSON, so no msgpack form");
            return;
        }

        Assert.That(InboundPublish.TryRead(WireCodec.Encode(tree, WireFormat.MsgPack), WireFormat.MsgPack), Is.Null);
    }

    [Test]
    public void RTL6_TruncatedMsgPack_IsDeclined()
    {
        var bytes = WireCodec.Encode(JsonTree.Read(Encoding.UTF8.GetBytes(Frame)), WireFormat.MsgPack);
        Assert.That(InboundPublish.TryRead(bytes.AsMemory(0, bytes.Length - 3), WireFormat.MsgPack), Is.Null);
    }

    /// <summary>What the tree path stores: connectionKey removed, base64 decoded, then the compact form.</summary>
    private static JObject TreePath(JObject message)
    {
        message.Remove("connectionKey");
        DataCodec.Ingress(message);
        return Stamped(StoredMessage.FromTree(message));
    }

    /// <summary>The message as the channel stores it, without the fields the channel stamps.</summary>
    private static JObject Stamped(StoredMessage message)
    {
        message.Ingress();
        var tree = message.ToTree();
        tree.Remove("serial");
        tree.Remove("connectionId");
        tree.Remove("action");
        return tree;
    }
}
