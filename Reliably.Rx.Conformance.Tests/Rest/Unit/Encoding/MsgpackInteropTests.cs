using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;
using Reliably.Rx.Tests.TestSupport;

// Not ".Encoding": that namespace would hide System.Text.Encoding from every test under Rest.Unit (the library names its
// Encoding folder PayloadEncoding for the same reason).
namespace Reliably.Rx.Conformance.Tests.Rest.Unit.PayloadEncoding;

/// <summary>
/// uts/rest/unit/encoding/msgpack_interop.md (RSL6a3): ably-common's msgpack_test_fixtures.json decoded, and round-tripped,
/// by the client. <c>Message.fromMap</c> and <c>toMap</c> are not public API here: a fixture's wire message reaches the
/// client as a msgpack REST history page, and is re-encoded by publishing it on the msgpack protocol.
/// </summary>
[TestFixture]
[Category("uts/rest/unit/encoding/msgpack_interop.md")]
public sealed class MsgpackInteropTests
{
    private static IEnumerable<(string Name, IDictionary<string, object?> WireMessage, object Expected)> Fixtures()
    {
        var fixtures = (JArray)Vectors.Load("msgpack_test_fixtures.json");
        Assert.That(fixtures, Is.Not.Empty);
        foreach (var fixture in fixtures)
        {
            var protocolMessage = (IDictionary<string, object?>)Msgpack.Decode(Convert.FromBase64String((string)fixture["msgpack"]!))!;
            var wireMessage = (IDictionary<string, object?>)((List<object?>)protocolMessage["messages"]!)[0]!;
            var repeat = (int)fixture["numRepeat"]!;
            object expected = (string)fixture["type"]! switch
            {
                // Typed as object on purpose: a string or byte array converts implicitly to JToken, and an arm typed so
                // would wrap it in a JValue.
                "string" => (object)(repeat > 0 ? string.Concat(Enumerable.Repeat((string)fixture["data"]!, repeat)) : (string)fixture["data"]!),
                "binary" => (object)System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat((string)fixture["data"]!, repeat))),
                _ => (object)fixture["data"]!,
            };
            yield return ((string)fixture["name"]!, wireMessage, expected);
        }
    }

    private static Message ReadThroughHistory(MockHttp mock, AblyRest client, byte[] page)
    {
        mock.Server.OnHttpRequest = req => req.RespondWith(200, page, Msgpack.ContentType);
        return mock.Await(client.Channels.Get("interop").HistoryAsync()).Items[0];
    }

    private static void AssertData(object? actual, object expected, string context)
    {
        if (expected is JToken json)
        {
            Assert.That(actual, Is.InstanceOf<JToken>(), context);
            Assert.That(JToken.DeepEquals((JToken)actual!, json), Is.True, context + ": " + actual);
        }
        else
        {
            Assert.That(actual, Is.InstanceOf(expected.GetType()), context);
            Assert.That(actual, Is.EqualTo(expected), context);
        }
    }

    [Test]
    public void RSL6a3_DecodeBinaryEncodedProtocolMessagesUsingInteropFixtures()
    {
        foreach (var (name, wireMessage, expected) in Fixtures())
        {
            var mock = new MockHttp();
            using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret", UseBinaryProtocol = true });

            var message = ReadThroughHistory(mock, client, Msgpack.Encode(new object[] { wireMessage }));

            AssertData(message.Data, expected, name);
            Assert.That(message.Encoding, Is.Null, name);
        }
    }

    [Test]
    public void RSL6a3_ReEncodeDecodedMessagesBackToMsgpack()
    {
        foreach (var (name, wireMessage, _) in Fixtures())
        {
            var mock = new MockHttp();
            using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret", UseBinaryProtocol = true });
            var message = ReadThroughHistory(mock, client, Msgpack.Encode(new object[] { wireMessage }));

            // Re-encoded for the msgpack wire: the body of a publish of the decoded message, as the client sends it.
            mock.Server.OnHttpRequest = req => req.RespondWith(201, Msgpack.Encode(Msgpack.Map(("serials", new object?[] { "s1" }))), Msgpack.ContentType);
            mock.Await(client.Channels.Get("interop").PublishAsync(new Message(message.Name, message.Data)));
            var reEncoded = mock.Requests[^1].Body;

            var again = ReadThroughHistory(mock, client, reEncoded);

            AssertData(again.Data, message.Data is JToken token ? token : message.Data!, name);
            Assert.That(again.Encoding, Is.Null, name);
        }
    }
}
