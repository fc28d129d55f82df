using Newtonsoft.Json.Linq;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>
/// Ably's msgpack_test_fixtures.json (RSL6a3): whole msgpack ProtocolMessages holding one Message each. Each decodes to
/// the described content; our encoder's bytes for the Message match the fixture where the representation allows.
/// </summary>
public sealed class MsgPackFixtureTests
{
    // The fixture frame is {messages:[<message>], msgSerial:0}: a fixmap header, the key "messages", a 1-element array
    // header, the message, then the key "msgSerial" and 0.
    private const int Prefix = 1 + 9 + 1;
    private const int Suffix = 10 + 1;

    [Test]
    public void RSL6a3_EveryFixture_DecodesToDescribedContent_AndReencodesIdenticallyWhereRepresentationAllows()
    {
        var fixtures = (JArray)Vectors.Load("msgpack_test_fixtures.json");
        Assert.That(fixtures, Is.Not.Empty);
        var identical = new List<string>();
        var differing = new List<string>();
        Assert.Multiple(() =>
        {
            foreach (var f in fixtures)
            {
                var name = f["name"]!.Value<string>()!;
                var type = f["type"]!.Value<string>();
                var repeat = f["numRepeat"]!.Value<int>();
                var bytes = Convert.FromBase64String(f["msgpack"]!.Value<string>()!);

                var pm = ProtocolCodecs.MsgPack.ReadProtocolMessage(bytes);
                Assert.That(pm.MsgSerial, Is.EqualTo(0), name);
                Assert.That(pm.Action, Is.EqualTo(ProtocolAction.Heartbeat), name + ": no action on the wire");
                var message = pm.Messages!.Single();
                Assert.That(MessageEncoder.DecodeInPlace(message, null), Is.Null, name);
                var expectedEncoding = f["encoding"]!.Value<string>();
                Assert.That(message.Encoding ?? string.Empty, Is.EqualTo(expectedEncoding), name);

                object expected = type switch
                {
                    "string" => (object)string.Concat(Enumerable.Repeat(f["data"]!.Value<string>(), repeat)),
                    "binary" => System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(f["data"]!.Value<string>(), repeat))),
                    "jsonObject" or "jsonArray" => f["data"]!,
                    _ => throw new AssertionException("unknown fixture type " + type),
                };
                VectorMessages.AssertSameData(expected, message.Data, name);

                var ours = ProtocolCodecs.MsgPack.Write(MessageEncoder.Encode(new Message { Data = message.Data }, null, WireFormat.MsgPack))[1..];

                // Round trip: our bytes decode to the same data with no encoding left.
                var again = ProtocolCodecs.MsgPack.ReadMessages(ours).Single();
                Assert.That(MessageEncoder.DecodeInPlace(again, null), Is.Null, name);
                Assert.That(again.Encoding, Is.Null, name);
                VectorMessages.AssertSameData(expected, again.Data, name + " (round trip)");
                var theirs = bytes[Prefix..^Suffix];
                if (ours.AsSpan().SequenceEqual(theirs))
                {
                    identical.Add(name);
                }
                else
                {
                    differing.Add(name);

                    // Only binary may differ: the fixture carries it as base64 text, msgpack clients send bin (RSL4d2).
                    Assert.That(type, Is.EqualTo("binary"), name + ": bytes differ");
                }
            }
        });
        TestContext.Out.WriteLine($"byte-identical messages: {string.Join(", ", identical)}");
        TestContext.Out.WriteLine($"different by design (binary sent as bin, fixture has base64 str): {string.Join(", ", differing)}");
        Assert.That(identical, Has.Count.GreaterThanOrEqualTo(5));
    }

    [Test]
    public void RSL6a3_WholeFrame_DiffersOnlyByTheActionField()
    {
        var fixture = Convert.FromBase64String(((JArray)Vectors.Load("msgpack_test_fixtures.json"))[1]["msgpack"]!.Value<string>()!);
        var pm = ProtocolCodecs.MsgPack.ReadProtocolMessage(fixture);
        var ours = ProtocolCodecs.MsgPack.ReadTree(ProtocolCodecs.MsgPack.Write(pm));
        var theirs = ProtocolCodecs.MsgPack.ReadTree(fixture);
        // ProtocolMessage.action is not optional in our model, so we always write it; the rest is the same content.
        Assert.That(((JObject)ours).Remove("action"), Is.True);
        Assert.That(JToken.DeepEquals(ours, theirs), Is.True, $"{ours} vs {theirs}");
    }
}
