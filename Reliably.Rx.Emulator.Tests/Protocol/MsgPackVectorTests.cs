using System.Buffers;
using MessagePack;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Protocol;

/// <summary>ably-common msgpack_test_fixtures.json (RSL6a3): the tree codec round-trips them, and published through
/// the emulator their data reaches JSON and msgpack subscribers with the server's base64 rules applied.</summary>
public sealed class MsgPackVectorTests : EmulatorTestBase
{
    public static IEnumerable<TestCaseData> Fixtures()
    {
        var path = Vectors.Find("msgpack_test_fixtures.json");
        if (path is null)
        {
            yield return new TestCaseData(null!).SetName("msgpack fixtures missing");
            yield break;
        }

        foreach (var f in JArray.Parse(File.ReadAllText(path)).Cast<JObject>())
        {
            yield return new TestCaseData(f).SetName($"{f.Value<string>("type")} ({f.Value<string>("msgpack")!.Length} b64 chars)");
        }
    }

    [TestCaseSource(nameof(Fixtures))]
    public void TreeCodec_RoundTripsFixture(JObject? fixture)
    {
        if (fixture is null)
        {
            Assert.Ignore("../shared/ably/vectors/msgpack_test_fixtures.json not found");
        }

        var bytes = Convert.FromBase64String(fixture!.Value<string>("msgpack")!);
        var tree = MsgPackTree.Read(bytes);
        var again = MsgPackTree.Write(tree);
        Assert.That(MessagePackSerializer.ConvertToJson(again), Is.EqualTo(MessagePackSerializer.ConvertToJson(bytes)));
        Assert.That(again, Is.EqualTo(bytes), "canonical (smallest) encodings are preserved byte for byte");
    }

    [TestCaseSource(nameof(Fixtures))]
    public async Task PublishedFixture_ReachesBothFormats(JObject? fixture)
    {
        if (fixture is null)
        {
            Assert.Ignore("../shared/ably/vectors/msgpack_test_fixtures.json not found");
        }

        var channel = Unique("vec");
        var (json, _) = await ConnectedAsync(false);
        var (pack, _) = await ConnectedAsync(true);
        var (publisher, _) = await ConnectedAsync(true);
        await using var _j = json;
        await using var _p = pack;
        await using var _pub = publisher;
        foreach (var c in new[] { json, pack })
        {
            await c.SendAsync(Frames.AttachFrame(channel));
            await c.ReceiveActionAsync(Frames.Attached, channel);
        }

        await publisher.SendRawAsync(Splice(Convert.FromBase64String(fixture!.Value<string>("msgpack")!), channel), System.Net.WebSockets.WebSocketMessageType.Binary);
        await publisher.ReceiveActionAsync(Frames.Ack);

        var viaJson = (JObject)(await json.ReceiveActionAsync(Frames.Message, channel))["messages"]![0]!;
        await pack.ReceiveActionAsync(Frames.Message, channel);
        var (packData, packEncoding) = FirstMessageData(pack.RawFrames().Last());
        var type = fixture.Value<string>("type");
        var repeat = Math.Max(1, fixture.Value<int>("numRepeat"));
        string Repeated() => string.Concat(Enumerable.Repeat(fixture["data"]!.Value<string>(), repeat));
        var sentEncoding = fixture.Value<string>("encoding");
        if (type == "binary")
        {
            // Ingress decoded the base64 step; JSON egress re-applies it, msgpack egress sends bin.
            var expected = Convert.FromBase64String(viaJson.Value<string>("data")!);
            Assert.That(viaJson.Value<string>("encoding"), Is.EqualTo("base64"));
            Assert.That(packData, Is.EqualTo(expected));
            Assert.That(packEncoding, Is.Null);
            Assert.That(System.Text.Encoding.UTF8.GetString(expected), Is.EqualTo(Repeated()));
        }
        else
        {
            Assert.That(packData, Is.InstanceOf<string>());
            Assert.That(viaJson.Value<string>("data"), Is.EqualTo((string)packData!));
            Assert.That(viaJson.Value<string>("encoding") ?? string.Empty, Is.EqualTo(packEncoding ?? string.Empty));
            if (type == "string")
            {
                Assert.That((string)packData!, Is.EqualTo(Repeated()));
            }
            else
            {
                Assert.That(JToken.DeepEquals(JToken.Parse((string)packData!), fixture["data"]), Is.True, "json payload intact");
                Assert.That(packEncoding, Is.EqualTo(string.IsNullOrEmpty(sentEncoding) ? "json" : sentEncoding));
            }
        }
    }

    /// <summary>Prepends action=15 and channel to the fixture's map, keeping its original bytes for every other entry.</summary>
    private static byte[] Splice(byte[] fixture, string channel)
    {
        var reader = new MessagePackReader(fixture);
        var count = reader.ReadMapHeader();
        var rest = fixture.AsSpan((int)reader.Consumed);
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteMapHeader(count + 2);
        writer.Write("action");
        writer.Write(15);
        writer.Write("channel");
        writer.Write(channel);
        writer.Flush();
        return [.. buffer.WrittenSpan, .. rest];
    }

    private static (object? Data, string? Encoding) FirstMessageData(byte[] frame)
    {
        var reader = new MessagePackReader(frame);
        var fields = reader.ReadMapHeader();
        for (var i = 0; i < fields; i++)
        {
            if (reader.ReadString() != "messages")
            {
                reader.Skip();
                continue;
            }

            reader.ReadArrayHeader();
            object? data = null;
            string? encoding = null;
            var n = reader.ReadMapHeader();
            for (var k = 0; k < n; k++)
            {
                switch (reader.ReadString())
                {
                    case "data":
                        data = reader.NextMessagePackType == MessagePackType.Binary ? reader.ReadBytes()!.Value.ToArray() : reader.ReadString();
                        break;
                    case "encoding":
                        encoding = reader.ReadString();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return (data, encoding);
        }

        throw new AssertionException("no messages in frame");
    }
}
