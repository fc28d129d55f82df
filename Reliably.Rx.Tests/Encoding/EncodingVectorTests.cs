using Newtonsoft.Json.Linq;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Serialization;
using Reliably.Rx.Tests.Serialization;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.PayloadEncoding;

/// <summary>
/// Ably's interop fixtures messages-encoding.json and presence-messages-encoding.json (RSL6a1): each wire payload
/// decodes to the expected type and value, and re-encodes to exactly the wire data and encoding.
/// </summary>
public sealed class EncodingVectorTests
{
    private static object? Expected(JToken item) => item["expectedType"]!.Value<string>() switch
    {
        "string" => item["expectedValue"]!.Value<string>(),
        "jsonObject" => (JObject)item["expectedValue"]!,
        "jsonArray" => (JArray)item["expectedValue"]!,
        "binary" => Convert.FromHexString(item["expectedHexValue"]!.Value<string>()!),
        var other => throw new AssertionException($"Unknown expectedType {other}"),
    };

    [Test]
    public void RSL6a1_MessagesEncoding_DecodeToExpectedAndReencodeToWireForm()
    {
        var items = (JArray)Vectors.Load("messages-encoding.json")["messages"]!;
        Assert.That(items, Has.Count.GreaterThanOrEqualTo(5));
        Assert.Multiple(() =>
        {
            foreach (var item in items)
            {
                var context = item.ToString(Newtonsoft.Json.Formatting.None);
                var wire = VectorMessages.ToMessage(item);
                var expected = Expected(item);

                // As received over JSON: the codec reads the frame, the decoder undoes the steps.
                var frame = new JObject { ["data"] = item["data"], ["encoding"] = item["encoding"] };
                var received = ProtocolCodecs.Json.ReadMessages(CodecTestSupport.Utf8(frame.ToString())).Single();
                Assert.That(MessageEncoder.TryDecode(received, null, out var decoded), Is.Null, context);
                Assert.That(decoded.Encoding, Is.Null, context);
                VectorMessages.AssertSameData(expected, decoded.Data, context);

                // Published again over JSON, it is encoded as in the fixture.
                var reencoded = MessageEncoder.Encode(decoded, null, WireFormat.Json);
                Assert.That(reencoded.Data, Is.EqualTo(wire.Data), context);
                Assert.That(reencoded.Encoding, Is.EqualTo(wire.Encoding), context);

                // Over msgpack, binary is a bin with no step; everything else is the same as JSON.
                var viaMsgPack = ProtocolCodecs.MsgPack.ReadMessages(ProtocolCodecs.MsgPack.Write(MessageEncoder.Encode(decoded, null, WireFormat.MsgPack))).Single();
                Assert.That(viaMsgPack.Encoding, Is.EqualTo(expected is byte[] ? null : wire.Encoding), context);
                Assert.That(MessageEncoder.DecodeInPlace(viaMsgPack, null), Is.Null, context);
                VectorMessages.AssertSameData(expected, viaMsgPack.Data, context);
            }
        });
    }

    [Test]
    public void RSL6a1_PresenceMessagesEncoding_DecodeToExpectedAndReencodeToWireForm()
    {
        var items = (JArray)Vectors.Load("presence-messages-encoding.json")["messages"]!;
        Assert.That(items, Has.Count.GreaterThanOrEqualTo(5));
        Assert.Multiple(() =>
        {
            foreach (var item in items)
            {
                var context = item.ToString(Newtonsoft.Json.Formatting.None);
                var expected = Expected(item);
                var frame = new JObject { ["action"] = item["action"], ["clientId"] = "c", ["data"] = item["data"], ["encoding"] = item["encoding"] };
                foreach (var codec in CodecTestSupport.Both)
                {
                    var bytes = codec.Format == WireFormat.Json ? CodecTestSupport.Utf8("[" + frame + "]") : CodecTestSupport.ToMsgPack("[" + frame + "]");
                    var received = codec.ReadPresenceMessages(bytes).Single();
                    Assert.That((int)received.Action, Is.EqualTo(item["action"]!.Value<int>()), context);
                    Assert.That(MessageEncoder.TryDecode(received, null, out var decoded), Is.Null, context);
                    Assert.That(decoded.Encoding, Is.Null, context);
                    VectorMessages.AssertSameData(expected, decoded.Data, context);

                    var reencoded = MessageEncoder.Encode(decoded, null, WireFormat.Json);
                    Assert.That(reencoded.Data, Is.EqualTo(item["data"]!.Value<string>()), context);
                    Assert.That(reencoded.Encoding, Is.EqualTo(item["encoding"]!.Type == JTokenType.Null ? null : item["encoding"]!.Value<string>()), context);
                }
            }
        });
    }
}
