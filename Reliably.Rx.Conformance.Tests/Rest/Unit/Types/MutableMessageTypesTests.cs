using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Types;

/// <summary>
/// uts/rest/unit/types/mutable_message_types.md (TM2j, TM2r, TM2s, TM2u, TM5, TM8, MOP2, UDR2, TAN2): the fields of
/// updatable messages and the types of message operations and annotations.
/// </summary>
[TestFixture]
[Category("uts/rest/unit/types/mutable_message_types.md")]
public sealed class MutableMessageTypesTests
{
    // UTS: rest/unit/TM5/message-action-enum-values-0
    [Test]
    public void TM5_MessageActionEnumValues()
    {
        Assert.That((int)MessageAction.Create, Is.EqualTo(0));
        Assert.That((int)MessageAction.Update, Is.EqualTo(1));
        Assert.That((int)MessageAction.Delete, Is.EqualTo(2));
        Assert.That((int)MessageAction.Meta, Is.EqualTo(3));
        Assert.That((int)MessageAction.Summary, Is.EqualTo(4));
        Assert.That((int)MessageAction.Append, Is.EqualTo(5));
        Assert.That((MessageAction)0, Is.EqualTo(MessageAction.Create));
        Assert.That((MessageAction)5, Is.EqualTo(MessageAction.Append));
    }

    // UTS: rest/unit/TM2j/action-and-serial-fields-0
    [Test]
    [Adapted("Message has no public toJson: the JSON the client sends when it publishes the message is its serialization.")]
    public void TM2j_TM2r_MessageHasActionAndSerialFields()
    {
        var message = new Message("test", "hello") { Serial = "serial-1", Action = MessageAction.Update };
        Assert.That(message.Serial, Is.EqualTo("serial-1"));
        Assert.That(message.Action, Is.EqualTo(MessageAction.Update));

        var mock = new MockHttp(req => req.RespondWith(201, """{"serials":["s1"]}"""));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        mock.Await(client.Channels.Get("test-TM2j").PublishAsync(message));

        var json = MockHttp.Body(mock.Requests[0])[0]!;
        Assert.That((string?)json["serial"], Is.EqualTo("serial-1"));
        Assert.That(json["action"]!.Type, Is.EqualTo(JTokenType.Integer));
        Assert.That((int)json["action"]!, Is.EqualTo(1));
        Assert.That((string?)json["name"], Is.EqualTo("test"));
        Assert.That((string?)json["data"], Is.EqualTo("hello"));
    }

    // UTS: rest/unit/TM2s/version-populated-from-wire-0
    [Test]
    [Adapted("Message has no public fromJson: the JSON is served as a REST history page, which the client decodes.")]
    public void TM2s_TM2s1_TM2s2_TM2s3_TM2s4_TM2s5_MessageVersionPopulatedFromWire()
    {
        var msg = MessageTypesTests.FromEncoded(JObject.Parse("""
            {"serial":"msg-serial-1","name":"test","data":"hello",
             "version":{"serial":"version-serial-1","timestamp":1700000001000,"clientId":"editor-1","description":"fixed typo",
                        "metadata":{"reason":"typo","tool":"editor"}}}
            """));

        Assert.That(msg.Version, Is.InstanceOf<MessageVersion>());
        Assert.That(msg.Version!.Serial, Is.EqualTo("version-serial-1"));
        Assert.That(msg.Version.Timestamp!.Value.ToUnixTimeMilliseconds(), Is.EqualTo(1700000001000));
        Assert.That(msg.Version.ClientId, Is.EqualTo("editor-1"));
        Assert.That(msg.Version.Description, Is.EqualTo("fixed typo"));
        Assert.That(msg.Version.Metadata!["reason"], Is.EqualTo("typo"));
        Assert.That(msg.Version.Metadata["tool"], Is.EqualTo("editor"));
    }

    // UTS: rest/unit/TM2s1/version-defaults-from-message-0
    [Test]
    [Adapted("Message has no public fromJson: the JSON is served as a REST history page, which the client decodes.")]
    [Divergence("A message received without a version object had a null Version; the receive path now initialises it with the message's serial (TM2s1) and timestamp (TM2s2), and fills either when the wire's version lacks it (regression tests: Reliably.Rx.Tests ProtocolCodecTests.TM2s_*).")]
    public void TM2s_TM2s1_TM2s2_MessageVersionDefaultsWhenNotOnWire()
    {
        var msg = MessageTypesTests.FromEncoded(JObject.Parse("""{"serial":"msg-serial-1","timestamp":1700000000000,"name":"test","data":"hello"}"""));

        Assert.That(msg.Version, Is.InstanceOf<MessageVersion>());
        Assert.That(msg.Version!.Serial, Is.EqualTo("msg-serial-1"));
        Assert.That(msg.Version.Timestamp!.Value.ToUnixTimeMilliseconds(), Is.EqualTo(1700000000000));
        Assert.That(msg.Version.ClientId, Is.Null);
        Assert.That(msg.Version.Description, Is.Null);
        Assert.That(msg.Version.Metadata, Is.Null);
    }

    // UTS: rest/unit/TM2u/annotations-defaults-empty-0
    [Test]
    public void TM2u_TM8a_MessageAnnotationsDefaultsToEmpty()
    {
        var msg = MessageTypesTests.FromEncoded(JObject.Parse("""{"serial":"msg-serial-1","name":"test"}"""));

        Assert.That(msg.Annotations, Is.InstanceOf<MessageAnnotations>());
        Assert.That(msg.Annotations!.Summary, Is.Not.Null.And.Empty);
    }

    // UTS: rest/unit/MOP2a/message-operation-fields-0
    [Test]
    public void MOP2a_MOP2b_MOP2c_MessageOperationFields()
    {
        var op = new MessageOperation
        {
            ClientId = "user-1",
            Description = "edit description",
            Metadata = new Dictionary<string, string> { ["reason"] = "typo", ["tool"] = "editor" },
        };
        Assert.That(op.ClientId, Is.EqualTo("user-1"));
        Assert.That(op.Description, Is.EqualTo("edit description"));
        Assert.That(op.Metadata!["reason"], Is.EqualTo("typo"));
        Assert.That(op.Metadata["tool"], Is.EqualTo("editor"));

        // Serialization, through an update's request body (RSL15b7): "version" carries clientId, description, metadata;
        // an empty MessageOperation serializes none of them.
        var mock = new MockHttp(req => req.RespondWith(200, "{}"));
        using var client = mock.Rest();
        var channel = client.Channels.Get(MockHttp.RandomName("test-MOP2"));
        mock.Await(channel.UpdateMessageAsync(new Message { Serial = "s1" }, op));
        mock.Await(channel.UpdateMessageAsync(new Message { Serial = "s1" }, new MessageOperation()));
        var version = MockHttp.Body(mock.Requests[0])["version"]!;
        Assert.That((string?)version["clientId"], Is.EqualTo("user-1"));
        Assert.That((string?)version["description"], Is.EqualTo("edit description"));
        Assert.That((string?)version["metadata"]!["tool"], Is.EqualTo("editor"));
        Assert.That(((JObject)MockHttp.Body(mock.Requests[1])["version"]!).Properties(), Is.Empty);
        var empty = new MessageOperation();
        Assert.That((empty.ClientId, empty.Description, empty.Metadata), Is.EqualTo(((string?)null, (string?)null, (IReadOnlyDictionary<string, string>?)null)));
    }

    // UTS: rest/unit/UDR2a/update-delete-result-fields-0
    [TestCase("""{"versionSerial":"version-serial-abc"}""", "version-serial-abc")]
    [TestCase("""{"versionSerial":null}""", null)]
    [TestCase("{}", null)]
    public void UDR1_UDR2a_UpdateDeleteResultFields(string body, string? expected)
    {
        // Read from an update's response (RSL15e).
        var mock = new MockHttp(req => req.RespondWith(200, body));
        using var client = mock.Rest();
        var result = mock.Await(client.Channels.Get(MockHttp.RandomName("test-UDR2a")).DeleteMessageAsync(new Message { Serial = "s1" }));
        Assert.That(result, Is.InstanceOf<UpdateDeleteResult>());
        Assert.That(result.VersionSerial, Is.EqualTo(expected));
    }

    // UTS: rest/unit/TAN2/annotation-attributes-and-action-0
    [Test]
    public void TAN1_TAN2_TAN2a_TAN2b_TAN2b1_TAN2c_TAN2l_AnnotationTypeAttributesAndActionEncoding()
    {
        // Read from an annotations page (RSAN3c).
        var mock = new MockHttp(req => req.RespondWith(200, """
            [{"id":"ann-id-1","action":0,"clientId":"user-1","name":"like","count":5,"data":"thumbs-up","encoding":null,
              "timestamp":1700000000000,"serial":"ann-serial-1","messageSerial":"msg-serial-1","type":"com.example.reaction",
              "extras":{"custom":"metadata"}},
             {"id":"ann-id-2","action":1,"clientId":"user-1","serial":"ann-serial-2","messageSerial":"msg-serial-1","type":"com.example.reaction"}]
            """));
        using var client = mock.Rest();
        var items = mock.Await(client.Channels.Get(MockHttp.RandomName("test-TAN2")).Annotations.GetAsync("msg-serial-1")).Items;
        Assert.That(items, Has.Count.EqualTo(2));
        var ann = items[0];

        Assert.That(ann.Id, Is.EqualTo("ann-id-1"));
        Assert.That(ann.Action, Is.EqualTo(AnnotationAction.Create));
        Assert.That(ann.ClientId, Is.EqualTo("user-1"));
        Assert.That(ann.Name, Is.EqualTo("like"));
        Assert.That(ann.Count, Is.EqualTo(5));
        Assert.That(ann.Data, Is.EqualTo("thumbs-up"));
        Assert.That(ann.Encoding, Is.Null);
        Assert.That(ann.Timestamp!.Value.ToUnixTimeMilliseconds(), Is.EqualTo(1700000000000));
        Assert.That(ann.Serial, Is.EqualTo("ann-serial-1"));
        Assert.That(ann.MessageSerial, Is.EqualTo("msg-serial-1"));
        Assert.That(ann.Type, Is.EqualTo("com.example.reaction"));
        Assert.That((string?)ann.Extras!["custom"], Is.EqualTo("metadata"));
        Assert.That((int)AnnotationAction.Create, Is.EqualTo(0));
        Assert.That((int)AnnotationAction.Delete, Is.EqualTo(1));

        // TAN2b1: the numeric wire action is exposed as the enum, 1 as ANNOTATION_DELETE.
        Assert.That(items[1].Action, Is.EqualTo(AnnotationAction.Delete));
        Assert.That(items[1].Id, Is.EqualTo("ann-id-2"));
    }
}
