using Reliably.Rx.Serialization;
using static Reliably.Rx.Tests.Serialization.CodecTestSupport;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>An ACK's <c>res</c> (TR4s): one result per acknowledged ProtocolMessage, read the same way by both codecs.</summary>
[TestFixtureSource(typeof(CodecTestSupport), nameof(BothFormats))]
public sealed class AckResultsTests(string format)
{
    [Test]
    public void Results_keep_their_order_serials_and_empty_entries()
    {
        var json = """
            {"action":1,"msgSerial":4,"count":4,"res":[
              {"serials":["s1",null,"s3"]},
              null,
              {},
              {"serials":null},
              {"serials":["a"],"other":1,"serials":null}
            ]}
            """;
        var pm = ProtocolCodecs.For(ParseFormat(format)).ReadProtocolMessage(Frame(ParseFormat(format), json));

        var res = pm.Res!;
        Assert.That(res, Has.Length.EqualTo(5));
        Assert.That(res[0].Serials, Is.EqualTo(new[] { "s1", null, "s3" }));
        Assert.That(res[1].Serials, Is.EqualTo(new PublishResult().Serials));
        Assert.That(res[2].Serials, Is.EqualTo(new PublishResult().Serials));
        Assert.That(res[3].Serials, Is.EqualTo(new PublishResult().Serials));

        // A null after a list does not erase it (JSON only: converting the text to msgpack keeps the last of the two keys).
        if (format == "json")
        {
            Assert.That(res[4].Serials, Is.EqualTo(new[] { "a" }));
        }
    }

    [Test]
    public void Consecutive_acks_do_not_share_their_arrays()
    {
        var codec = ProtocolCodecs.For(ParseFormat(format));
        var first = codec.ReadProtocolMessage(Frame(ParseFormat(format), """{"action":1,"msgSerial":0,"count":1,"res":[{"serials":["x"]}]}"""));
        var second = codec.ReadProtocolMessage(Frame(ParseFormat(format), """{"action":1,"msgSerial":1,"count":2,"res":[{"serials":["y"]},{"serials":["z","w"]}]}"""));

        Assert.That(first.Res!.Single().Serials, Is.EqualTo(new[] { "x" }));
        Assert.That(second.Res!.Select(r => r.Serials), Is.EqualTo(new[] { new[] { "y" }, new[] { "z", "w" } }));
    }
}
