using System.Numerics;
using System.Text;
using CsCheck;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using static Reliably.Rx.Tests.Serialization.CodecTestSupport;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>
/// The JSON codec reads frames from their UTF-8 bytes (System.Text.Json's reader) and builds the JSON trees the public
/// payload types expose. Newtonsoft's own parser, with the settings the codec used before, is the oracle: every tree
/// must come out with the same shape, the same values and the same value types (long, BigInteger, double, string).
/// </summary>
public sealed class JsonByteReaderTests
{
    private static JToken Oracle(string json)
    {
        using var reader = new JsonTextReader(new StringReader(json))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
        };
        while (reader.Read() && reader.TokenType == JsonToken.Comment)
        {
        }

        return JToken.ReadFrom(reader);
    }

    private static void AssertSameTree(JToken expected, JToken actual, string path = "$")
    {
        Assert.That(actual.Type, Is.EqualTo(expected.Type), path);
        switch (expected)
        {
            case JObject eo:
                var ao = (JObject)actual;
                Assert.That(ao.Properties().Select(p => p.Name), Is.EqualTo(eo.Properties().Select(p => p.Name)), path);
                foreach (var p in eo.Properties())
                {
                    AssertSameTree(p.Value, ao[p.Name]!, $"{path}.{p.Name}");
                }

                break;
            case JArray ea:
                var aa = (JArray)actual;
                Assert.That(aa, Has.Count.EqualTo(ea.Count), path);
                for (var i = 0; i < ea.Count; i++)
                {
                    AssertSameTree(ea[i], aa[i], $"{path}[{i}]");
                }

                break;
            case JValue ev:
                var av = (JValue)actual;
                Assert.That(av.Value?.GetType(), Is.EqualTo(ev.Value?.GetType()), $"{path}: value type");
                Assert.That(av.Value, Is.EqualTo(ev.Value), path);
                break;
        }
    }

    [TestCase("""{"a":0,"b":-0,"c":1.0,"d":1e3,"e":1E-7,"f":-2.5e+2,"g":0.1}""")]
    [TestCase("""[9223372036854775807,-9223372036854775808,9223372036854775808,-9223372036854775809,123456789012345678901234567890]""")]
    [TestCase("""{"s":"line\nbreak \"quoted\" \\ \/ \b\f\r\t","u":"\u00e9\u4e2d","pair":"\ud83d\ude00","raw":"é中😀"}""")]
    [TestCase("""{"date":"2024-05-02T10:00:00Z","n":null,"t":true,"f":false,"empty":{},"none":[]}""")]
    [TestCase("""{"a":1,"a":{"x":[1,[2,[3,{"y":null}]]]}}""")]
    [TestCase("""/* lead */ {"a": /* in */ [1, 2 /* tail */]} // end""")]
    [TestCase("""  "just a string"  """)]
    [TestCase("""12""")]
    [TestCase("""null""")]
    public void RSF1_ReadTree_matches_Newtonsofts_tree_value_for_value(string json)
    {
        var tree = ProtocolCodecs.Json.ReadTree(Encoding.UTF8.GetBytes(json));
        AssertSameTree(Oracle(json), tree);
    }

    [Test]
    [Category("Property")]
    public void RSF1_Any_generated_tree_reads_back_as_Newtonsoft_reads_it()
    {
        ProtocolGen.Json(4).Sample(tree =>
        {
            var json = tree.ToString(tree.Type == JTokenType.Object && tree.Count() % 2 == 0 ? Formatting.Indented : Formatting.None);
            AssertSameTree(Oracle(json), ProtocolCodecs.Json.ReadTree(Encoding.UTF8.GetBytes(json)));
        }, iter: 800);
    }

    [Test]
    public void TM2d_An_escaped_lone_surrogate_in_data_becomes_U_FFFD_and_does_not_cost_the_frame()
    {
        // JavaScript's JSON.stringify writes a lone surrogate as a \u escape; the text has no UTF-8 form, but the JSON is
        // valid, and the other messages of the frame must still arrive.
        var json = """{"action":15,"channel":"c","messages":[{"name":"a","data":"x\ud800y"},{"name":"b","data":"fine"},{"data":"\udc00\ud83d\ude00\ud83d"}]}""";
        var pm = ProtocolCodecs.Json.ReadProtocolMessage(Encoding.UTF8.GetBytes(json));
        Assert.That(pm.Messages!.Select(m => m.Data), Is.EqualTo(new object[] { "x\uFFFDy", "fine", "\uFFFD\ud83d\ude00\uFFFD" }));
        var oracle = Oracle(json)["messages"]!;
        Assert.That(pm.Messages!.Select(m => m.Data), Is.EqualTo(oracle.Select(m => m["data"]!.Value<string>())), "as Newtonsoft reads it");
    }

    [Test]
    public void TR4_Escaped_property_names_are_recognised()
    {
        var json = """{"\u0061ction":15,"ch\u0061nnel":"c","messages":[{"n\u0061me":"a","d\u0061ta":"x"}]}""";
        var pm = ProtocolCodecs.Json.ReadProtocolMessage(Encoding.UTF8.GetBytes(json));
        Assert.That(pm.Action, Is.EqualTo(ProtocolAction.Message));
        Assert.That(pm.Channel, Is.EqualTo("c"));
        Assert.That(pm.Messages!.Single().Name, Is.EqualTo("a"));
        Assert.That(pm.Messages!.Single().Data, Is.EqualTo("x"));
    }

    [Test]
    public void TR4_Trailing_commas_are_accepted_as_before()
    {
        var json = """{"action":15,"messages":[{"name":"a",},],"params":{"k":"v",},}""";
        var pm = ProtocolCodecs.Json.ReadProtocolMessage(Encoding.UTF8.GetBytes(json));
        Assert.That(pm.Messages!.Single().Name, Is.EqualTo("a"));
        Assert.That(pm.Params!["k"], Is.EqualTo("v"));
    }

    [Test]
    public void TR4_Numbers_keep_their_rules_integral_doubles_tolerated_and_out_of_range_refused()
    {
        var pm = ProtocolCodecs.Json.ReadProtocolMessage(Encoding.UTF8.GetBytes("""{"action":15.0,"msgSerial":7e0,"count":3}"""));
        Assert.That((pm.Action, pm.MsgSerial, pm.Count), Is.EqualTo((ProtocolAction.Message, 7L, 3)));

        foreach (var bad in new[] { """{"msgSerial":9223372036854775808}""", """{"msgSerial":1.5}""", """{"count":4294967296}""", """{"msgSerial":1e400}""" })
        {
            var ex = Assert.Throws<AblyException>(() => ProtocolCodecs.Json.ReadProtocolMessage(Encoding.UTF8.GetBytes(bad)), bad);
            Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.BadRequest), bad);
        }
    }

    [Test]
    public void TM2_Repeated_strings_within_a_frame_are_one_instance_and_never_confused()
    {
        var json = """{"action":15,"messages":[{"name":"tick","clientId":"c1"},{"name":"tick","clientId":"c2"},{"name":"tock","clientId":"c2"},{"name":"t\u0069ck"}]}""";
        var messages = ProtocolCodecs.Json.ReadProtocolMessage(Encoding.UTF8.GetBytes(json)).Messages!;
        Assert.That(messages.Select(m => m.Name), Is.EqualTo(new[] { "tick", "tick", "tock", "tick" }));
        Assert.That(messages.Select(m => m.ClientId), Is.EqualTo(new[] { "c1", "c2", "c2", null }));
        Assert.That(ReferenceEquals(messages[0].Name, messages[1].Name), Is.True, "the second 'tick' reuses the first");
        Assert.That(ReferenceEquals(messages[1].ClientId, messages[2].ClientId), Is.True, "the second 'c2' reuses the first");
    }

    [Test]
    public void TM2_Big_integers_and_doubles_in_extras_keep_their_types()
    {
        var json = """{"action":15,"messages":[{"extras":{"big":18446744073709551615,"small":-1,"d":2.0}}]}""";
        var extras = ProtocolCodecs.Json.ReadProtocolMessage(Encoding.UTF8.GetBytes(json)).Messages!.Single().Extras!;
        Assert.That(((JValue)extras["big"]!).Value, Is.EqualTo(BigInteger.Parse("18446744073709551615")));
        Assert.That(((JValue)extras["small"]!).Value, Is.EqualTo(-1L));
        Assert.That(((JValue)extras["d"]!).Value, Is.EqualTo(2.0d));
    }

    [Test]
    public void RSF1_Frames_written_by_the_codec_read_back_identically_in_bulk()
    {
        // A 100-message frame, the benchmark's shape: every message survives with its fields.
        var messages = Enumerable.Range(0, 100).Select(i => new Message("tick", $"payload {i}") { Id = $"id:{i}", ClientId = "c", ConnectionId = "conn", Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000 + i) }).ToArray();
        var bytes = ProtocolCodecs.Json.Write(new ProtocolMessage { Action = ProtocolAction.Message, Channel = "ch", Messages = messages });
        var read = ProtocolCodecs.Json.ReadProtocolMessage(bytes).Messages!;
        Assert.That(read.Select(m => (m.Id, m.Name, m.Data, m.ClientId, m.ConnectionId, m.Timestamp)),
            Is.EqualTo(messages.Select(m => (m.Id, m.Name, m.Data, m.ClientId, m.ConnectionId, m.Timestamp))));
    }
}
