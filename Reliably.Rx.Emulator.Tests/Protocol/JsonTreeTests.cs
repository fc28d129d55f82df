using System.Numerics;
using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Tests.Protocol;

/// <summary>
/// Frames are read from their UTF-8 bytes with System.Text.Json's reader into the same tree Newtonsoft builds from the
/// text: the handlers see no difference, and malformed input is a 40000 error.
/// </summary>
public sealed class JsonTreeTests
{
    [TestCase("""{"action":15,"channel":"c","msgSerial":3,"messages":[{"name":"m","data":"x"}]}""")]
    [TestCase("""{"a":1.0,"b":-0,"c":1e2,"d":9223372036854775807,"e":18446744073709551616,"f":-1.5E-3}""")]
    [TestCase("""{"s":"2026-12-06T10:00:00Z","u":"é \u2028 \"q\" \\ \u0001","n":null,"t":true,"f":false}""")]
    [TestCase("""{"nested":{"deep":[1,[2,[3,{"x":[]}]],{}]},"empty":""}""")]
    [TestCase("""{"na\u006de":"escaped name","name":"last wins"}""")]
    [TestCase("""[1,"two",3.5,null]""")]
    [TestCase(""" { "spaced" : [ 1 , 2 ] } """)]
    public void Read_BuildsTheSameTreeAsNewtonsoft(string json)
    {
        var fromBytes = JsonTree.Read(Encoding.UTF8.GetBytes(json).AsSpan());
        var fromText = JsonTree.Read(json);
        Assert.That(JToken.DeepEquals(fromBytes, fromText), Is.True, $"bytes {fromBytes}\ntext {fromText}");
        Assert.That(fromBytes.ToString(), Is.EqualTo(fromText.ToString()));
    }

    [Test]
    public void Read_KeepsNumberKindsAndStrings()
    {
        var tree = (JObject)JsonTree.Read("""{"i":5,"d":5.0,"big":18446744073709551616,"date":"2026-12-06T10:00:00Z"}"""u8);
        Assert.That(tree["i"]!.Type, Is.EqualTo(JTokenType.Integer));
        Assert.That(((JValue)tree["i"]!).Value, Is.TypeOf<long>());
        Assert.That(tree["d"]!.Type, Is.EqualTo(JTokenType.Float));
        Assert.That(((JValue)tree["big"]!).Value, Is.EqualTo(BigInteger.Parse("18446744073709551616")));
        Assert.That(tree["date"]!.Type, Is.EqualTo(JTokenType.String), "date parsing is off: strings stay strings");
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("{")]
    [TestCase("""{"a":1} {"b":2}""")]
    [TestCase("""{"a":1}x""")]
    [TestCase("""{'a':1}""")]
    [TestCase("""{"a":}""")]
    public void Decode_MalformedJson_Is40000(string json)
    {
        var ex = Assert.Throws<AblyException>(() => WireCodec.Decode(Encoding.UTF8.GetBytes(json), WireFormat.Json));
        Assert.That(ex!.Code, Is.EqualTo(40000));
    }

    [Test]
    public void Decode_TooDeep_Is40000()
    {
        var json = new string('[', 100) + new string(']', 100);
        var ex = Assert.Throws<AblyException>(() => WireCodec.Decode(Encoding.UTF8.GetBytes(json), WireFormat.Json));
        Assert.That(ex!.Code, Is.EqualTo(40000));
    }

    [Test]
    public void Decode_InvalidUtf8InAString_Is40000()
    {
        byte[] json = [.. """{"a":"""u8, (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}'];
        var ex = Assert.Throws<AblyException>(() => WireCodec.Decode(json, WireFormat.Json));
        Assert.That(ex!.Code, Is.EqualTo(40000));
    }
}
