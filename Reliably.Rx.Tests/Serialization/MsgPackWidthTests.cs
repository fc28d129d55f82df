using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>msgpack integers of every width (and integral floats) are accepted wherever an integer is expected.</summary>
public sealed class MsgPackWidthTests
{
    private static readonly byte[] CountKey = { 0xa5, (byte)'c', (byte)'o', (byte)'u', (byte)'n', (byte)'t' };

    [TestCase(new byte[] { 0x07 }, 7, TestName = "PositiveFixInt")]
    [TestCase(new byte[] { 0xf9 }, -7, TestName = "NegativeFixInt")]
    [TestCase(new byte[] { 0xcc, 0xc8 }, 200, TestName = "UInt8")]
    [TestCase(new byte[] { 0xcd, 0x01, 0x00 }, 256, TestName = "UInt16")]
    [TestCase(new byte[] { 0xce, 0x00, 0x01, 0x00, 0x00 }, 65536, TestName = "UInt32")]
    [TestCase(new byte[] { 0xcf, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x2a }, 42, TestName = "UInt64")]
    [TestCase(new byte[] { 0xd0, 0x80 }, -128, TestName = "Int8")]
    [TestCase(new byte[] { 0xd1, 0xff, 0x00 }, -256, TestName = "Int16")]
    [TestCase(new byte[] { 0xd2, 0x7f, 0xff, 0xff, 0xff }, int.MaxValue, TestName = "Int32")]
    [TestCase(new byte[] { 0xd3, 0, 0, 0, 0, 0, 0, 0, 0x05 }, 5, TestName = "Int64")]
    [TestCase(new byte[] { 0xca, 0x41, 0x20, 0x00, 0x00 }, 10, TestName = "Float32Integral")]
    [TestCase(new byte[] { 0xcb, 0x40, 0x24, 0, 0, 0, 0, 0, 0 }, 10, TestName = "Float64Integral")]
    public void AnyIntegerWidth_IsAccepted(byte[] value, int expected)
    {
        var frame = new byte[] { 0x81 }.Concat(CountKey).Concat(value).ToArray();
        Assert.That(ProtocolCodecs.MsgPack.ReadProtocolMessage(frame).Count, Is.EqualTo(expected));
    }

    [Test]
    public void Timestamps_InUInt64_AreRead()
    {
        // {timestamp: 1712345678901 as uint64}
        var frame = new byte[] { 0x81, 0xa9 }.Concat("timestamp"u8.ToArray()).Concat(new byte[] { 0xcf, 0, 0, 0x01, 0x8e, 0xad, 0x88, 0x6a, 0x35 }).ToArray();
        Assert.That(ProtocolCodecs.MsgPack.ReadProtocolMessage(frame).Timestamp, Is.EqualTo(0x018ead886a35L));
    }

    [Test]
    public void NonStringMapKeys_AreSkippedAsUnknown()
    {
        // {1: "x", "action": 15}
        var frame = new byte[] { 0x82, 0x01, 0xa1, (byte)'x', 0xa6 }.Concat("action"u8.ToArray()).Concat(new byte[] { 0x0f }).ToArray();
        Assert.That(ProtocolCodecs.MsgPack.ReadProtocolMessage(frame).Action, Is.EqualTo(ProtocolAction.Message));
    }
}
