using Newtonsoft.Json.Linq;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Reliably.Rx.Tests.Serialization;

namespace Reliably.Rx.Tests.PayloadEncoding;

/// <summary>Annotations (TAN2) and message summaries (TM2u, TM7, TM8) through both codecs.</summary>
public sealed class AnnotationWireTests
{
    private static readonly Annotation Full = new()
    {
        Id = "ann-1",
        Action = AnnotationAction.Delete,
        ClientId = "user-1",
        Name = "like",
        Count = 3,
        Data = "thumbs-up",
        Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
        Serial = "ann-serial-1",
        MessageSerial = "msg-serial-1",
        Type = "reaction:multiple.v1",
        Extras = new JObject { ["custom"] = "metadata" },
    };

    private static IProtocolCodec Codec(string format) => CodecTestSupport.ParseFormat(format) == WireFormat.Json ? ProtocolCodecs.Json : ProtocolCodecs.MsgPack;

    private static IEnumerable<object?> Payloads() =>
        new object?[] { null, "text", new byte[] { 0, 1, 2, 255 }, JObject.Parse("""{"key":"value","nested":{"a":1}}"""), new JArray(1, "two") };

    [Test]
    public void TAN2_an_annotation_frame_survives_both_codecs_with_every_field_and_payload(
        [Values("json", "msgpack")] string format,
        [ValueSource(nameof(Payloads))] object? data)
    {
        var codec = Codec(format);
        var sent = Full with { Data = data };
        var frame = new ProtocolMessage(ProtocolAction.Annotation, "ch") { MsgSerial = 4, Annotations = [AnnotationWire.Encode(sent)] };

        var read = codec.ReadProtocolMessage(codec.Write(frame));

        Assert.That(read.Action, Is.EqualTo(ProtocolAction.Annotation));
        var received = AnnotationWire.DecodeAll(read.Annotations).Single();
        Assert.That(received with { Data = null, Extras = null }, Is.EqualTo(sent with { Data = null, Extras = null }));
        Assert.That(JToken.DeepEquals(received.Extras, sent.Extras), Is.True);
        if (data is JToken json)
        {
            Assert.That(JToken.DeepEquals((JToken?)received.Data, json), Is.True);
        }
        else
        {
            Assert.That(received.Data, Is.EqualTo(data));
        }

        Assert.That(received.Encoding, Is.Null, "every step undone");
    }

    [Test]
    public void RSAN1c3_json_data_is_sent_as_text_with_a_json_step_and_bytes_as_base64([Values("json", "msgpack")] string format)
    {
        var codec = Codec(format);
        var json = AnnotationWire.Encode(Full with { Data = new JObject { ["a"] = 1 } });
        Assert.That(json.Data, Is.TypeOf<string>());
        Assert.That(json.Encoding, Is.EqualTo("json"));

        var bytes = AnnotationWire.Encode(Full with { Data = new byte[] { 1, 2 } });
        Assert.That(bytes.Data, Is.EqualTo("AQI="));
        Assert.That(bytes.Encoding, Is.EqualTo("base64"));

        // On the wire, in either format: the data is text, the action its number (TAN2b), every field under its wire name.
        var frame = new ProtocolMessage(ProtocolAction.Annotation, "ch") { Annotations = [bytes] };
        var wire = (JObject)codec.ReadTree(codec.Write(frame))["annotations"]![0]!;
        Assert.That(wire["data"]!.Type, Is.EqualTo(JTokenType.String));
        Assert.That((string?)wire["data"], Is.EqualTo("AQI="));
        Assert.That((int)wire["action"]!, Is.EqualTo(1));
        Assert.That(wire.Properties().Select(p => p.Name), Is.EquivalentTo(new[]
        {
            "id", "action", "clientId", "name", "count", "data", "encoding", "timestamp", "serial", "messageSerial", "type", "extras",
        }));
    }

    [Test]
    public void TAN2_a_missing_timestamp_is_the_frames_and_a_step_that_cannot_be_undone_stays_in_the_encoding()
    {
        var read = AnnotationWire.Decode(new Annotation { Type = "t", Data = "x", Encoding = "custom" }, frameTimestamp: 42);
        Assert.That(read.Timestamp!.Value.ToUnixTimeMilliseconds(), Is.EqualTo(42));
        Assert.That(read.Encoding, Is.EqualTo("custom"));
        Assert.That(read.Action, Is.EqualTo(AnnotationAction.Create));
    }

    [TestCase("not base64!", "base64")]
    [TestCase("{not json", "json")]
    [TestCase("/w==", "utf-8/base64")]
    public void RSL6b_TAN2f1_a_payload_that_cannot_be_decoded_keeps_its_steps_and_the_annotation_is_delivered(string data, string encoding)
    {
        var read = AnnotationWire.Decode(new Annotation { Type = "t", Data = data, Encoding = encoding });

        Assert.That(read.Type, Is.EqualTo("t"));
        Assert.That(read.Encoding, Is.Not.Null.And.Not.Empty, "the step that could not be undone stays");
        Assert.That(encoding, Does.StartWith(read.Encoding!), "the steps left are those not yet undone, the first ones");
    }

    [TestCase("""{"action":21,"channel":"c","annotations":[1]}""")]
    [TestCase("""{"action":21,"channel":"c","annotations":{"type":"t"}}""")]
    [TestCase("""{"action":21,"channel":"c","annotations":[{"type":"t","count":"many"}]}""")]
    [TestCase("""{"action":21,"channel":"c","annotations":[{"type":"t","extras":[1]}]}""")]
    public void TAN2_an_annotations_array_that_is_not_annotations_makes_the_frame_unreadable_with_40000(string frame)
    {
        foreach (var codec in new[] { ProtocolCodecs.Json, ProtocolCodecs.MsgPack })
        {
            var bytes = CodecTestSupport.Frame(codec.Format, frame);
            Assert.That(() => codec.ReadProtocolMessage(bytes), Throws.TypeOf<AblyException>().With.Property("Code").EqualTo(40000), codec.Format.ToString());
        }
    }

    [Test]
    public void RSAN3_a_REST_body_of_annotations_reads_in_both_formats_with_binary_data_as_bytes()
    {
        var sent = new[] { Full, Full with { Id = "ann-2", Data = new byte[] { 9, 8 }, Encoding = null, Extras = null } };
        foreach (var codec in new[] { ProtocolCodecs.Json, ProtocolCodecs.MsgPack })
        {
            var body = new System.Buffers.ArrayBufferWriter<byte>();
            codec.WriteAnnotations(sent.Select(AnnotationWire.Encode).ToArray(), body);
            var read = AnnotationWire.ReadAll(codec, body.WrittenMemory);

            Assert.That(read.Select(a => a.Id), Is.EqualTo(new[] { "ann-1", "ann-2" }), codec.Format.ToString());
            Assert.That(read[1].Data, Is.EqualTo(new byte[] { 9, 8 }), codec.Format.ToString());
            Assert.That(read[0] with { Extras = null }, Is.EqualTo(Full with { Extras = null }), codec.Format.ToString());
        }
    }

    [Test]
    public void RSAN1a3_building_an_annotation_needs_a_serial_and_a_type_and_leaves_the_callers_unchanged()
    {
        var mine = new Annotation { Type = "reaction:distinct.v1", Name = "like" };
        var built = AnnotationWire.Build("s1", mine, AnnotationAction.Delete);
        Assert.That((built.MessageSerial, built.Action), Is.EqualTo(("s1", AnnotationAction.Delete)));
        Assert.That(mine.MessageSerial, Is.Null);
        Assert.That(() => AnnotationWire.Build("", mine, AnnotationAction.Create), Throws.TypeOf<AblyException>().With.Property("Code").EqualTo(40003));
        Assert.That(() => AnnotationWire.Build("s1", new Annotation { Name = "like" }, AnnotationAction.Create), Throws.TypeOf<AblyException>().With.Property("Code").EqualTo(40003));
        Assert.That(() => AnnotationWire.Build("s1", null, AnnotationAction.Create), Throws.TypeOf<AblyException>().With.Property("Code").EqualTo(40003));
    }

    [Test]
    public void TM2u_TM8a_a_message_summary_survives_both_codecs_and_reads_per_type(
        [Values("json", "msgpack")] string format)
    {
        var codec = Codec(format);
        var summary = JObject.Parse("""
            {"reaction:distinct.v1":{"like":{"total":2,"clientIds":["a","b"]},"heart":{"total":1,"clientIds":["a"],"clipped":true}},
             "vote:multiple.v1":{"up":{"total":5,"clientIds":{"a":3},"totalUnidentified":2,"totalClientIds":1,"clipped":false}},
             "flag:flag.v1":{"total":1,"clientIds":["c"]},
             "count:total.v1":{"total":7},
             "future:unknown.v9":{"shape":[1,2,3]}}
            """);
        var message = Message.FromWire(null, "n", "d", null, null, null, null, null, null, MessageAction.Summary, "s1", null, new JObject { ["summary"] = summary });
        var read = codec.ReadProtocolMessage(codec.Write(new ProtocolMessage(ProtocolAction.Message, "ch") { Messages = new[] { message } })).Messages!.Single();

        var annotations = read.Annotations!;
        Assert.That(annotations, Is.EqualTo(message.Annotations));
        Assert.That(annotations.Summary.Keys, Is.EquivalentTo(new[] { "reaction:distinct.v1", "vote:multiple.v1", "flag:flag.v1", "count:total.v1", "future:unknown.v9" }));

        var distinct = AnnotationSummaries.DistinctV1(annotations.Summary["reaction:distinct.v1"]);
        Assert.That((distinct["like"].Total, distinct["like"].ClientIds, distinct["like"].Clipped), Is.EqualTo((2L, new[] { "a", "b" }, false)));
        Assert.That(distinct["heart"].Clipped, Is.True);
        Assert.That(AnnotationSummaries.UniqueV1(annotations.Summary["reaction:distinct.v1"])["like"].Total, Is.EqualTo(2));
        var multiple = AnnotationSummaries.MultipleV1(annotations.Summary["vote:multiple.v1"])["up"];
        Assert.That((multiple.Total, multiple.ClientIds["a"], multiple.TotalUnidentified, multiple.TotalClientIds, multiple.Clipped), Is.EqualTo((5L, 3L, 2L, 1L, false)));
        var flag = AnnotationSummaries.FlagV1(annotations.Summary["flag:flag.v1"]);
        Assert.That((flag.Total, flag.ClientIds.Single(), flag.Clipped), Is.EqualTo((1L, "c", false)));
        Assert.That(AnnotationSummaries.TotalV1(annotations.Summary["count:total.v1"]).Total, Is.EqualTo(7));
        Assert.That(() => AnnotationSummaries.DistinctV1(annotations.Summary["future:unknown.v9"]), Throws.TypeOf<AblyException>().With.Property("Code").EqualTo(40013));
    }

    [Test]
    public void TM2u_a_received_message_without_annotations_gets_an_empty_summary_and_writes_none()
    {
        var message = Message.FromWire(null, "n", "d", null, null, null, null, null, null, null, "s1", null, null);
        message.CompleteVersion();
        Assert.That(message.Annotations, Is.SameAs(MessageAnnotations.Empty));
        Assert.That(message.Annotations!.Summary, Is.Empty);
        var json = JObject.Parse(System.Text.Encoding.UTF8.GetString(ProtocolCodecs.Json.Write(message)).TrimStart('[').TrimEnd(']'));
        Assert.That(json.ContainsKey("annotations"), Is.False);

        var replaced = new MessageAnnotations { Summary = new Dictionary<string, JObject> { ["t:total.v1"] = new() { ["total"] = 1 } } };
        var written = JObject.Parse(System.Text.Encoding.UTF8.GetString(ProtocolCodecs.Json.Write(message with { Annotations = replaced })).TrimStart('[').TrimEnd(']'));
        Assert.That((int)written["annotations"]!["summary"]!["t:total.v1"]!["total"]!, Is.EqualTo(1));
    }
}
