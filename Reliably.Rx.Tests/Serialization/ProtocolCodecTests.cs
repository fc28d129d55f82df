using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using static Reliably.Rx.Tests.Serialization.CodecTestSupport;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>Field-level behaviour shared by both codecs; every test runs once per wire format.</summary>
[TestFixtureSource(typeof(CodecTestSupport), nameof(BothFormats))]
public sealed class ProtocolCodecTests
{
    private readonly WireFormat _format;
    private readonly IProtocolCodec _codec;

    public ProtocolCodecTests(string format)
    {
        _format = ParseFormat(format);
        _codec = ProtocolCodecs.For(_format);
    }

    private ProtocolMessage Read(string json) => _codec.ReadProtocolMessage(Frame(_format, json));

    [Test]
    public void For_ReturnsCodecOfThatFormat()
    {
        Assert.That(_codec.Format, Is.EqualTo(_format));
        Assert.That(_codec.IsBinary, Is.EqualTo(_format == WireFormat.MsgPack));
        Assert.That(_codec.ContentType, Is.EqualTo(_format == WireFormat.Json ? "application/json" : "application/x-msgpack"));
    }

    [Test]
    public void CD2_Connected_ReadsConnectionDetailsWithMillisecondsAsTimeSpans()
    {
        var pm = Read("""
            {"action":4,"connectionId":"hP3sRk7vGq","connectionKey":"hP3sRk7vGq!aBcD1234-5",
             "connectionDetails":{"clientId":null,"connectionKey":"hP3sRk7vGq!aBcD1234-5","maxMessageSize":65536,
              "maxInboundRate":250,"maxOutboundRate":100,"maxFrameSize":524288,"serverId":"frontdoor.1",
              "connectionStateTtl":120000,"maxIdleInterval":15000,"siteCode":"eu","objectsGCGracePeriod":86400000}}
            """);
        Assert.That(pm.Action, Is.EqualTo(ProtocolAction.Connected));
        Assert.That(pm.ConnectionId, Is.EqualTo("hP3sRk7vGq"));
        Assert.That(pm.ConnectionKey, Is.EqualTo("hP3sRk7vGq!aBcD1234-5"));
        var cd = pm.ConnectionDetails!;
        Assert.That(cd.ClientId, Is.Null);
        Assert.That(cd.ConnectionKey, Is.EqualTo("hP3sRk7vGq!aBcD1234-5"));
        Assert.That(cd.MaxMessageSize, Is.EqualTo(65536));
        Assert.That(cd.MaxFrameSize, Is.EqualTo(524288));
        Assert.That(cd.MaxInboundRate, Is.EqualTo(250));
        Assert.That(cd.MaxOutboundRate, Is.EqualTo(100));
        Assert.That(cd.ServerId, Is.EqualTo("frontdoor.1"));
        Assert.That(cd.SiteCode, Is.EqualTo("eu"));
        Assert.That(cd.ConnectionStateTtl, Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(cd.MaxIdleInterval, Is.EqualTo(TimeSpan.FromSeconds(15)));
        Assert.That(cd.ObjectsGCGracePeriod, Is.EqualTo(TimeSpan.FromDays(1)));

        var again = _codec.RoundTrip(pm);
        AssertSameModel(pm, again);
    }

    [Test]
    public void TR4_AckWithResults_ReadsSerialsIncludingNull()
    {
        var pm = Read("""{"action":1,"msgSerial":5,"count":2,"res":[{"serials":["s:0"]},{"serials":["s:1",null]}]}""");
        Assert.That(pm.Action, Is.EqualTo(ProtocolAction.Ack));
        Assert.That(pm.MsgSerial, Is.EqualTo(5));
        Assert.That(pm.Count, Is.EqualTo(2));
        Assert.That(pm.Res!.Select(r => r.Serials), Is.EqualTo(new[] { new[] { "s:0" }, new[] { "s:1", null } }));
        AssertSameModel(pm, _codec.RoundTrip(pm));
    }

    [Test]
    public void TR4_Nack_ReadsErrorWithAllFields()
    {
        var pm = Read("""
            {"action":2,"msgSerial":3,"count":1,"error":{"code":40160,"statusCode":401,"message":"denied",
             "href":"https://help.ably.io/error/40160","requestId":"req-1","detail":{"reason":"capability","n":3},
             "cause":{"code":40100,"statusCode":401,"message":"inner"}}}
            """);
        var e = pm.Error!;
        Assert.That(e.Code, Is.EqualTo(40160));
        Assert.That(e.StatusCode, Is.EqualTo(401));
        Assert.That(e.Message, Is.EqualTo("denied"));
        Assert.That(e.Href, Is.EqualTo("https://help.ably.io/error/40160"));
        Assert.That(e.RequestId, Is.EqualTo("req-1"));
        Assert.That(e.Detail, Is.EquivalentTo(new Dictionary<string, string> { ["reason"] = "capability", ["n"] = "3" }));
        Assert.That(e.Cause!.Code, Is.EqualTo(40100));
        Assert.That(e.Cause.Message, Is.EqualTo("inner"));
        AssertSameModel(pm, _codec.RoundTrip(pm));
    }

    [Test]
    public void TR4_AttachedWithFlagsParamsAndChannelSerial()
    {
        var pm = Read("""{"action":11,"channel":"c","channelSerial":"srv0:0","flags":983045,"params":{"rewind":"1","delta":"vcdiff"}}""");
        Assert.That(pm.Action, Is.EqualTo(ProtocolAction.Attached));
        Assert.That(pm.Channel, Is.EqualTo("c"));
        Assert.That(pm.ChannelSerial, Is.EqualTo("srv0:0"));
        Assert.That(pm.HasFlag(ProtocolFlags.HasPresence), Is.True);
        Assert.That(pm.HasFlag(ProtocolFlags.Resumed), Is.True);
        Assert.That(pm.Flags & ProtocolFlags.ModeMask,
            Is.EqualTo(ProtocolFlags.Presence | ProtocolFlags.Publish | ProtocolFlags.Subscribe | ProtocolFlags.PresenceSubscribe));
        Assert.That(pm.Params, Is.EquivalentTo(new Dictionary<string, string> { ["rewind"] = "1", ["delta"] = "vcdiff" }));
        AssertSameModel(pm, _codec.RoundTrip(pm));
    }

    [Test]
    public void RTC8_AuthCarriesAccessToken()
    {
        var pm = new ProtocolMessage(ProtocolAction.Auth) { Auth = new AuthDetails { AccessToken = "tok" } };
        var back = _codec.RoundTrip(pm);
        Assert.That(back.Action, Is.EqualTo(ProtocolAction.Auth));
        Assert.That(back.Auth!.AccessToken, Is.EqualTo("tok"));
    }

    [Test]
    public void TR4r_LiveObjects_state_is_skipped_and_RTAN4b_annotations_are_read_as_annotations()
    {
        var pm = Read("""{"action":19,"channel":"c","state":[{"operation":{"action":0,"objectId":"root","nested":{"a":[1,2.5,true,null]}}}],"annotations":[{"type":"reaction:like","data":"x","action":1,"count":2}],"msgSerial":7}""");
        Assert.That(pm.Action, Is.EqualTo(ProtocolAction.Object));
        Assert.That(pm.MsgSerial, Is.EqualTo(7), "the fields after the skipped state are read");
        var annotation = pm.Annotations!.Single();
        Assert.That((annotation.Type, annotation.Data, annotation.Action, annotation.Count), Is.EqualTo(("reaction:like", (object)"x", AnnotationAction.Delete, (int?)2)));
        AssertSameModel(pm, _codec.RoundTrip(pm));
    }

    [Test]
    public void TM2_MessageFields_AllRead()
    {
        var pm = Read("""
            {"action":15,"channel":"c","id":"conn:1","connectionId":"conn","timestamp":1712345678901,"messages":[
             {"id":"conn:1:0","name":"n","data":"text","encoding":"utf-8","clientId":"cid","connectionId":"conn",
              "connectionKey":"ck","timestamp":1712345678900,"extras":{"headers":{"h":"v"},"push":{"notification":{"title":"t"}}},
              "action":1,"serial":"s1","size":4,
              "version":{"serial":"v1","timestamp":1712345678999,"clientId":"editor","description":"typo","metadata":{"k":"v"}},
              "annotations":{"summary":{"reaction:distinct.v1":{"like":{"total":1}}}}}]}
            """);
        Assert.That(pm.Timestamp, Is.EqualTo(1712345678901));
        var m = pm.Messages!.Single();
        Assert.That(m.Id, Is.EqualTo("conn:1:0"));
        Assert.That(m.Name, Is.EqualTo("n"));
        Assert.That(m.Data, Is.EqualTo("text"));
        Assert.That(m.Encoding, Is.EqualTo("utf-8"));
        Assert.That(m.ClientId, Is.EqualTo("cid"));
        Assert.That(m.ConnectionId, Is.EqualTo("conn"));
        Assert.That(m.ConnectionKey, Is.EqualTo("ck"));
        Assert.That(m.Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1712345678900)));
        Assert.That(m.Extras!["headers"]!["h"]!.Value<string>(), Is.EqualTo("v"));
        Assert.That(m.Action, Is.EqualTo(MessageAction.Update));
        Assert.That(m.Serial, Is.EqualTo("s1"));
        Assert.That(m.Version!.Serial, Is.EqualTo("v1"));
        Assert.That(m.Version.Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1712345678999)));
        Assert.That(m.Version.ClientId, Is.EqualTo("editor"));
        Assert.That(m.Version.Description, Is.EqualTo("typo"));
        Assert.That(m.Version.Metadata, Is.EquivalentTo(new Dictionary<string, string> { ["k"] = "v" }));
        Assert.That(m.Annotations!.Summary, Is.Not.Null);
        AssertSameModel(pm, _codec.RoundTrip(pm));
    }

    [Test]
    public void TP3_PresenceFields_AllRead()
    {
        var pm = Read("""
            {"action":16,"channel":"c","channelSerial":"sync1:cursor","presence":[
             {"id":"conn:2:0","action":1,"clientId":"a","connectionId":"conn","data":"d","encoding":"json","extras":{"x":1},"timestamp":5},
             {"action":3,"clientId":"b","connectionId":"conn2"}]}
            """);
        Assert.That(pm.Presence, Has.Length.EqualTo(2));
        var p = pm.Presence![0];
        Assert.That(p.Id, Is.EqualTo("conn:2:0"));
        Assert.That(p.Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(p.ClientId, Is.EqualTo("a"));
        Assert.That(p.ConnectionId, Is.EqualTo("conn"));
        Assert.That(p.Data, Is.EqualTo("d"));
        Assert.That(p.Encoding, Is.EqualTo("json"));
        Assert.That(p.Extras!["x"]!.Value<int>(), Is.EqualTo(1));
        Assert.That(p.Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(5)));
        Assert.That(pm.Presence[1].Action, Is.EqualTo(PresenceAction.Leave));
        AssertSameModel(pm, _codec.RoundTrip(pm));
    }

    [Test]
    public void TM2s1_LegacyStringVersion_IsReadAsSerial()
    {
        var pm = Read("""{"action":15,"messages":[{"version":"01:v"}]}""");
        Assert.That(pm.Messages![0].Version!.Serial, Is.EqualTo("01:v"));
    }

    [Test]
    public void TM2s_TM2s1_TM2s2_AbsentVersion_IsInitialisedFromTheMessagesSerialAndTimestamp()
    {
        var pm = Read("""{"action":15,"messages":[{"serial":"s1","timestamp":1700000000000},{"name":"bare"}]}""");
        Assert.That(pm.Messages![0].Version, Is.Null, "the codec reads the wire as it is, so that it stays lossless both ways");

        Received(pm);

        var version = pm.Messages[0].Version;
        Assert.That(version, Is.Not.Null, "TM2s: a received message always has a version");
        Assert.That(version!.Serial, Is.EqualTo("s1"), "TM2s1");
        Assert.That(version.Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000)), "TM2s2");
        Assert.That(version.ClientId, Is.Null);
        Assert.That(version.Description, Is.Null);
        Assert.That(version.Metadata, Is.Null);
        Assert.That(pm.Messages[1].Version, Is.EqualTo(new MessageVersion()), "TM2s: initialised even with nothing to default from");
    }

    [Test]
    public void TM2s1_TM2s2_VersionWithoutSerialOrTimestamp_TakesTheMessages_ButKeepsItsOwn()
    {
        var pm = Read("""
            {"action":15,"messages":[
              {"serial":"s1","timestamp":1700000000000,"version":{"clientId":"editor"}},
              {"serial":"s2","timestamp":1700000000000,"version":{"serial":"v2","timestamp":1700000009000}}]}
            """);

        Received(pm);

        Assert.That(pm.Messages![0].Version, Is.EqualTo(new MessageVersion { Serial = "s1", Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1700000000000), ClientId = "editor" }));
        Assert.That(pm.Messages[1].Version, Is.EqualTo(new MessageVersion { Serial = "v2", Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1700000009000) }));
    }

    [Test]
    public void TM2s2_VersionTimestamp_DefaultsToTheTimestampTheMessageTakesFromItsProtocolMessage()
    {
        var pm = Read("""{"action":15,"id":"f","timestamp":1700000005000,"messages":[{"serial":"s1"}]}""");
        var message = pm.Messages![0];

        // The realtime receive path's order: the TM2f fill from the ProtocolMessage, then decoding (TM2s).
        message.FillFromProtocolMessage(pm.Id, 0, pm.ConnectionId, pm.Timestamp);
        Received(pm);

        Assert.That(message.Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1700000005000)), "TM2f");
        Assert.That(message.Version!.Timestamp, Is.EqualTo(message.Timestamp), "TM2s2");
        Assert.That(message.Version.Serial, Is.EqualTo("s1"), "TM2s1");
    }

    private static void Received(ProtocolMessage pm)
    {
        foreach (var message in pm.Messages!)
        {
            Assert.That(Reliably.Rx.PayloadEncoding.MessageEncoder.DecodeInPlace(message, null), Is.Null);
        }
    }

    [Test]
    public void RSF1_UnknownFieldsOfAnyTypeAndNesting_AreSkipped()
    {
        var pm = Read("""
            {"zz":{"a":[1,{"b":[[],{}]},"s",null,true,1.5]},"action":15,"unknownNum":123456789012,"channel":"c",
             "messages":[{"futureField":[{"deep":{"deeper":[1,2,3]}}],"name":"n","another":null}],"tail":"x"}
            """);
        Assert.That(pm.Action, Is.EqualTo(ProtocolAction.Message));
        Assert.That(pm.Channel, Is.EqualTo("c"));
        Assert.That(pm.Messages![0].Name, Is.EqualTo("n"));
    }

    [Test]
    public void RTF1_UnknownEnumNumbers_AreKeptAsTheirNumber()
    {
        var pm = Read("""{"action":99,"flags":1073741824,"messages":[{"action":42}],"presence":[{"action":17}]}""");
        Assert.That((int)pm.Action, Is.EqualTo(99));
        Assert.That((int)pm.Flags!.Value, Is.EqualTo(1 << 30));
        Assert.That((int)pm.Messages![0].Action!.Value, Is.EqualTo(42));
        Assert.That((int)pm.Presence![0].Action, Is.EqualTo(17));
        var back = _codec.RoundTrip(pm);
        Assert.That((int)back.Action, Is.EqualTo(99));
        Assert.That((int)back.Messages![0].Action!.Value, Is.EqualTo(42));
    }

    [Test]
    public void Null_IsToleratedForEveryField()
    {
        var pm = Read("""
            {"action":null,"id":null,"auth":null,"channel":null,"channelSerial":null,"connectionId":null,"connectionKey":null,
             "connectionDetails":{"clientId":null,"maxMessageSize":null,"connectionStateTtl":null},"count":null,"error":null,
             "flags":null,"msgSerial":null,"messages":[null,{"id":null,"name":null,"data":null,"encoding":null,"extras":null,
             "timestamp":null,"action":null,"version":null,"annotations":null}],"presence":null,"annotations":null,"state":null,
             "timestamp":null,"params":{"a":null,"b":"x"},"res":[null,{"serials":null}]}
            """);
        Assert.That(pm.Action, Is.EqualTo(ProtocolAction.Heartbeat));
        Assert.That(pm.Channel, Is.Null);
        Assert.That(pm.Messages, Has.Length.EqualTo(1));
        Assert.That(pm.Messages![0].Data, Is.Null);
        Assert.That(pm.Params, Is.EquivalentTo(new Dictionary<string, string> { ["b"] = "x" }));
        Assert.That(pm.Res, Has.Length.EqualTo(2));
        Assert.That(pm.ConnectionDetails!.MaxMessageSize, Is.Null);
    }

    [Test]
    public void IntegralFloats_AreAcceptedWhereIntegersAreExpected()
    {
        var pm = Read("""{"action":15.0,"msgSerial":7.0,"timestamp":1712345678901.0}""");
        Assert.That(pm.Action, Is.EqualTo(ProtocolAction.Message));
        Assert.That(pm.MsgSerial, Is.EqualTo(7));
        Assert.That(pm.Timestamp, Is.EqualTo(1712345678901));
    }

    [Test]
    public void NonIntegralFloat_WhereIntegerExpected_Is40000()
    {
        var ex = Assert.Throws<AblyException>(() => Read("""{"action":15.5}"""));
        Assert.That(ex!.Code, Is.EqualTo(40000));
    }

    [TestCase("""{"action":"fifteen"}""")]
    [TestCase("""{"action":15,"channel":5}""")]
    [TestCase("""{"action":15,"messages":{"name":"x"}}""")]
    [TestCase("""{"action":15,"messages":["x"]}""")]
    [TestCase("""{"action":15,"connectionDetails":"x"}""")]
    [TestCase("""{"action":15,"error":[1]}""")]
    [TestCase("""{"action":15,"messages":[{"extras":"x"}]}""")]
    [TestCase("""{"action":15,"messages":[{"timestamp":"yesterday"}]}""")]
    [TestCase("""{"action":15,"messages":[{"timestamp":99999999999999999}]}""")]
    [TestCase("""{"action":15,"msgSerial":true}""")]
    [TestCase("""{"action":15,"res":[{"serials":[1]}]}""")]
    [TestCase("""[1,2,3]""")]
    [TestCase(""" "text" """)]
    [TestCase("""42""")]
    public void WrongTypes_Are40000(string json)
    {
        var ex = Assert.Throws<AblyException>(() => Read(json));
        Assert.That(ex!.Code, Is.EqualTo(40000));
    }

    [Test]
    public void Write_OmitsNullFields()
    {
        var tree = _codec.ReadTree(_codec.Write(new ProtocolMessage(ProtocolAction.Attach, "ch")));
        Assert.That(JToken.DeepEquals(tree, JObject.Parse("""{"action":10,"channel":"ch"}""")), Is.True, tree.ToString());

        var m = _codec.ReadTree(_codec.Write(new Message("n", null)));
        Assert.That(JToken.DeepEquals(m, JArray.Parse("""[{"name":"n"}]""")), Is.True, m.ToString());
    }

    [Test]
    public void Read_StringDataStaysString_JsonObjectAndArrayWithoutEncodingStayJToken()
    {
        var pm = Read("""{"action":15,"messages":[{"data":"s"},{"data":{"a":1}},{"data":[1,"x"]},{"data":42}]}""");
        Assert.That(pm.Messages![0].Data, Is.EqualTo("s"));
        Assert.That(pm.Messages[1].Data, Is.TypeOf<JObject>());
        Assert.That(pm.Messages[2].Data, Is.TypeOf<JArray>());
        Assert.That(pm.Messages[3].Data, Is.InstanceOf<JValue>());
        Assert.That(pm.Messages[1].Encoding, Is.Null);
    }

    [Test]
    public void Write_JTokenDataReachingTheCodec_IsWrittenAsJsonTextWithJsonStep()
    {
        var back = _codec.RoundTrip(new ProtocolMessage(ProtocolAction.Message)
        {
            Messages = new[] { new Message("n", JObject.Parse("""{"a":[1,2]}""")) { Encoding = null } },
        });
        Assert.That(back.Messages![0].Data, Is.EqualTo("""{"a":[1,2]}"""));
        Assert.That(back.Messages[0].Encoding, Is.EqualTo("json"));
    }

    [Test]
    public void Write_BinaryData_IsBinOnMsgPackAndBase64WithStepOnJson()
    {
        var bytes = new byte[] { 0xde, 0xad, 0xbe, 0xef };
        var back = _codec.RoundTrip(new ProtocolMessage(ProtocolAction.Message)
        {
            Messages = new[] { new Message("n", bytes) { Encoding = "cipher+aes-128-cbc" } },
            Presence = new[] { new PresenceMessage(PresenceAction.Enter, "c", Array.Empty<byte>()) },
        });
        if (_format == WireFormat.MsgPack)
        {
            Assert.That(back.Messages![0].Data, Is.EqualTo(bytes));
            Assert.That(back.Messages[0].Encoding, Is.EqualTo("cipher+aes-128-cbc"));
            // Empty binary is an empty bin, never nil (PROTOCOL.md 3.3).
            Assert.That(back.Presence![0].Data, Is.EqualTo(Array.Empty<byte>()));
        }
        else
        {
            Assert.That(back.Messages![0].Data, Is.EqualTo("3q2+7w=="));
            Assert.That(back.Messages[0].Encoding, Is.EqualTo("cipher+aes-128-cbc/base64"));
            Assert.That(back.Presence![0].Data, Is.EqualTo(string.Empty));
            Assert.That(back.Presence[0].Encoding, Is.EqualTo("base64"));
        }
    }

    [Test]
    public void RSL1_MessagesBody_ReadsArrayOrSingleObject()
    {
        var arr = _codec.ReadMessages(Frame(_format, """[{"name":"a"},{"name":"b"}]"""));
        Assert.That(arr.Select(m => m.Name), Is.EqualTo(new[] { "a", "b" }));
        var single = _codec.ReadMessages(Frame(_format, """{"name":"a","data":"x"}"""));
        Assert.That(single.Single().Data, Is.EqualTo("x"));
        var presence = _codec.ReadPresenceMessages(Frame(_format, """[{"action":2,"clientId":"c"}]"""));
        Assert.That(presence.Single().Action, Is.EqualTo(PresenceAction.Enter));

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        _codec.WritePresenceMessages(presence, buffer);
        AssertSameModel(presence, _codec.ReadPresenceMessages(buffer.WrittenMemory));
    }

    [Test]
    public void TE_TokenRequest_RoundTripsWithMillisecondFields()
    {
        var request = new TokenRequest
        {
            KeyName = "app.key",
            Ttl = TimeSpan.FromHours(1),
            Capability = """{"*":["*"]}""",
            ClientId = "bob",
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1712345678901),
            Nonce = "0123456789abcdef",
            Mac = "mac==",
        };
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        _codec.WriteTokenRequest(request, buffer);
        var tree = (JObject)_codec.ReadTree(buffer.WrittenMemory);
        Assert.That(tree["ttl"]!.Value<long>(), Is.EqualTo(3600000));
        Assert.That(tree["timestamp"]!.Value<long>(), Is.EqualTo(1712345678901));
        Assert.That(tree["capability"]!.Type, Is.EqualTo(JTokenType.String));
        Assert.That(_codec.ReadTokenRequest(buffer.WrittenMemory), Is.EqualTo(request));
    }

    [Test]
    public void TK_TokenParams_WritesOnlySetFields()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        _codec.WriteTokenParams(new TokenParams { ClientId = "c", Ttl = TimeSpan.FromSeconds(5) }, buffer);
        var tree = _codec.ReadTree(buffer.WrittenMemory);
        Assert.That(JToken.DeepEquals(tree, JObject.Parse("""{"ttl":5000,"clientId":"c"}""")), Is.True, tree.ToString());
    }

    [Test]
    public void TD_TokenDetails_ReadsIssuedAndExpiresFromMilliseconds()
    {
        var details = _codec.ReadTokenDetails(Frame(_format,
            """{"token":"tok","keyName":"app.key","issued":1000,"expires":3601000,"capability":"{\"*\":[\"*\"]}","clientId":"c","extra":1}"""));
        Assert.That(details.Token, Is.EqualTo("tok"));
        Assert.That(details.KeyName, Is.EqualTo("app.key"));
        Assert.That(details.Issued, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1000)));
        Assert.That(details.Expires, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(3601000)));
        Assert.That(details.Capability, Is.EqualTo("""{"*":["*"]}"""));
        Assert.That(details.ClientId, Is.EqualTo("c"));

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        _codec.WriteTokenDetails(details, buffer);
        Assert.That(_codec.ReadTokenDetails(buffer.WrittenMemory), Is.EqualTo(details));
    }

    [Test]
    public void TD_TokenDetailsWithoutToken_Is40000()
    {
        var ex = Assert.Throws<AblyException>(() => _codec.ReadTokenDetails(Frame(_format, """{"keyName":"k"}""")));
        Assert.That(ex!.Code, Is.EqualTo(40000));
    }

    [Test]
    public void ErrorBody_ReadsWrappedOrBareError_AndNullOtherwise()
    {
        Assert.That(_codec.ReadErrorBody(Frame(_format, """{"error":{"code":40400,"statusCode":404,"message":"nf"}}"""))!.Code, Is.EqualTo(40400));
        Assert.That(_codec.ReadErrorBody(Frame(_format, """{"code":40100,"statusCode":401,"message":"x"}"""))!.StatusCode, Is.EqualTo(401));
        Assert.That(_codec.ReadErrorBody(Frame(_format, """{"serials":[]}""")), Is.Null);
        Assert.That(_codec.ReadErrorBody(ReadOnlyMemory<byte>.Empty), Is.Null);
        Assert.That(_codec.ReadErrorBody(Utf8("<html>502 Bad Gateway</html>")), Is.Null);
    }

    [Test]
    public void TS12_Stats_ReadsEntriesAsNumbers()
    {
        var stats = _codec.ReadStats(Frame(_format, """
            [{"appId":"app","intervalId":"2024-04-05:10:20","unit":"minute","inProgress":"2024-04-05:10:20:30",
              "entries":{"messages.all.all.count":12,"messages.all.all.data":1.5e3,"bogus":"x"},
              "schema":"https://schemas.ably.com/json/app-stats-0.0.5.json","legacy":{"all":{}}}]
            """));
        var s = stats.Single();
        Assert.That(s.AppId, Is.EqualTo("app"));
        Assert.That(s.IntervalId, Is.EqualTo("2024-04-05:10:20"));
        Assert.That(s.Unit, Is.EqualTo("minute"));
        Assert.That(s.InProgress, Is.EqualTo("2024-04-05:10:20:30"));
        Assert.That(s["messages.all.all.count"], Is.EqualTo(12));
        Assert.That(s["messages.all.all.data"], Is.EqualTo(1500));
        Assert.That(s.Entries.ContainsKey("bogus"), Is.False);
        Assert.That(s.Schema, Does.Contain("app-stats"));
    }

    [Test]
    public void CHD1_ChannelDetails_ReadsOccupancyMetrics()
    {
        var d = _codec.ReadChannelDetails(Frame(_format, """
            {"channelId":"ch","status":{"isActive":true,"occupancy":{"metrics":{"connections":1,"presenceConnections":2,
             "presenceMembers":3,"presenceSubscribers":4,"publishers":5,"subscribers":6,"objectPublishers":7,"objectSubscribers":8}}}}
            """));
        Assert.That(d.ChannelId, Is.EqualTo("ch"));
        Assert.That(d.Status!.IsActive, Is.True);
        var m = d.Status.Occupancy!.Metrics!;
        Assert.That(new[] { m.Connections, m.PresenceConnections, m.PresenceMembers, m.PresenceSubscribers, m.Publishers, m.Subscribers, m.ObjectPublishers, m.ObjectSubscribers },
            Is.EqualTo(new[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
    }

    [TestCase(1023)]
    [TestCase(1024)]
    [TestCase(5000)]
    public void LongStringsWithSurrogatePairsAcrossWriterBuffers_RoundTrip(int length)
    {
        // Emoji (two UTF-16 units) at every offset, so some straddle the JSON writer's internal buffer boundary.
        var text = string.Concat(Enumerable.Range(0, length).Select(i => i % 3 == 0 ? "\U0001F600" : "é\""));
        var pm = new ProtocolMessage(ProtocolAction.Message) { Messages = new[] { new Message(text, text) } };
        var back = _codec.RoundTrip(pm);
        Assert.That(back.Messages![0].Data, Is.EqualTo(text));
        Assert.That(back.Messages[0].Name, Is.EqualTo(text));
    }

    [Test]
    public void RepeatedAndChangingFieldsAcrossMessages_AreReadPerMessage()
    {
        var pm = Read("""
            {"action":15,"messages":[{"name":"a","clientId":"c1","connectionId":"k","encoding":"json"},
             {"name":"a","clientId":null,"connectionId":"k"},{"name":"ab","clientId":"c1","connectionId":"k2","encoding":"json"},
             {"name":"a","clientId":"c2"}]}
            """);
        var m = pm.Messages!;
        Assert.That(m.Select(x => x.Name), Is.EqualTo(new[] { "a", "a", "ab", "a" }));
        Assert.That(m.Select(x => x.ClientId), Is.EqualTo(new[] { "c1", null, "c1", "c2" }));
        Assert.That(m.Select(x => x.ConnectionId), Is.EqualTo(new[] { "k", "k", "k2", null }));
        Assert.That(m.Select(x => x.Encoding), Is.EqualTo(new[] { "json", null, "json", null }));
    }

    [Test]
    public void RSC19_Tree_RoundTrips()
    {
        var tree = JToken.Parse("""{"a":[1,-2,3.25,"x",true,false,null,{"b":{}}],"big":9007199254740993,"s":""}""");
        var back = _codec.ReadTree(_codec.WriteTreeBytes(tree));
        Assert.That(JToken.DeepEquals(tree, back), Is.True, back.ToString());
    }
}
