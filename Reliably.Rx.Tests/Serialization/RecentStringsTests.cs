using Reliably.Rx.Serialization;
using static Reliably.Rx.Tests.Serialization.CodecTestSupport;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>
/// Fields that repeat from frame to frame (channel, connectionId, clientId, name, encoding) reuse the string a recent
/// frame decoded on the same thread, and nothing else about the decoded model changes.
/// </summary>
[TestFixtureSource(typeof(CodecTestSupport), nameof(BothFormats))]
public sealed class RecentStringsTests(string format)
{
    private readonly IProtocolCodec _codec = ProtocolCodecs.For(ParseFormat(format));

    private byte[] MessageFrame(string channel, string connectionId, string clientId, string name, string serial) =>
        Frame(ParseFormat(format), $$"""
            {"action":15,"channel":"{{channel}}","connectionId":"{{connectionId}}","id":"{{connectionId}}:7","timestamp":1712345678901,
             "messages":[{"name":"{{name}}","clientId":"{{clientId}}","connectionId":"{{connectionId}}","data":"d","serial":"{{serial}}"}]}
            """);

    [Test]
    public void RepeatedFields_OfConsecutiveFrames_AreTheSameStrings()
    {
        var first = _codec.ReadProtocolMessage(MessageFrame("prices:eur", "conn-a", "client-1", "tick", "s1"));
        var second = _codec.ReadProtocolMessage(MessageFrame("prices:eur", "conn-a", "client-1", "tick", "s2"));

        Assert.That(second.Channel, Is.SameAs(first.Channel));
        Assert.That(second.ConnectionId, Is.SameAs(first.ConnectionId));
        var (m1, m2) = (first.Messages![0], second.Messages![0]);
        Assert.That(m2.Name, Is.SameAs(m1.Name));
        Assert.That(m2.ClientId, Is.SameAs(m1.ClientId));
        Assert.That(m2.ConnectionId, Is.SameAs(m1.ConnectionId));
        Assert.That((m1.Serial, m2.Serial), Is.EqualTo(("s1", "s2")));
    }

    [Test]
    public void DifferentBytes_GiveTheirOwnText()
    {
        var first = _codec.ReadProtocolMessage(MessageFrame("prices:eur", "conn-a", "client-1", "tick", "s1"));
        var second = _codec.ReadProtocolMessage(MessageFrame("prices:usd", "conn-b", "client-é", "tack", "s2"));

        Assert.That((first.Channel, first.ConnectionId, first.Messages![0].ClientId, first.Messages[0].Name), Is.EqualTo(("prices:eur", "conn-a", "client-1", "tick")));
        Assert.That((second.Channel, second.ConnectionId, second.Messages![0].ClientId, second.Messages[0].Name), Is.EqualTo(("prices:usd", "conn-b", "client-é", "tack")));
    }

    [Test]
    public void MoreRepeatingValuesThanTheCacheHolds_StillDecodeCorrectly()
    {
        // Twelve channels in turn: more than the recent set keeps, so most reads miss and replace an entry.
        for (var round = 0; round < 3; round++)
        {
            for (var c = 0; c < 12; c++)
            {
                var pm = _codec.ReadProtocolMessage(MessageFrame("ch-" + c, "conn-" + (c % 5), "client-" + (c % 3), "n" + c, "s"));
                Assert.That((pm.Channel, pm.ConnectionId, pm.Messages![0].Name), Is.EqualTo(("ch-" + c, "conn-" + (c % 5), "n" + c)));
            }
        }
    }

    [Test]
    public void LongValues_AreDecodedEveryTime()
    {
        var longName = new string('n', RecentStrings.MaxLength + 1);
        var first = _codec.ReadProtocolMessage(MessageFrame("c", "conn-a", "client-1", longName, "s1"));
        var second = _codec.ReadProtocolMessage(MessageFrame("c", "conn-a", "client-1", longName, "s2"));

        Assert.That(second.Messages![0].Name, Is.EqualTo(longName));
        Assert.That(second.Messages[0].Name, Is.Not.SameAs(first.Messages![0].Name));
    }
}
