using MessagePack;
using Newtonsoft.Json.Linq;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Serialization;
using Reliably.Rx.Tests.Serialization;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Encryption;

/// <summary>
/// Ably's crypto vectors (ably-common test-resources crypto-data-128/256): every item decrypts to its expected data
/// and, with the fixture IV, encrypts to exactly the expected bytes, in JSON form and in msgpack form (RSL5, RSE1).
/// </summary>
public sealed class CryptoVectorTests
{
    private static CipherParams Cipher(JToken file) =>
        CipherParams.FromBase64(file["key"]!.Value<string>()!) with { FixedIv = Convert.FromBase64String(file["iv"]!.Value<string>()!) };

    [TestCase("crypto-data-128.json", 128)]
    [TestCase("crypto-data-256.json", 256)]
    public void RSL5_JsonForm_DecryptsToExpectedAndEncryptsToExactBytes(string fileName, int keyLength)
    {
        var file = Vectors.Load(fileName);
        var cipher = Cipher(file);
        Assert.That(cipher.KeyLength, Is.EqualTo(keyLength));
        var items = (JArray)file["items"]!;
        Assert.That(items, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            for (var i = 0; i < items.Count; i++)
            {
                var context = $"{fileName} item {i}";
                var expected = MessageEncoder.Decode(VectorMessages.ToMessage(items[i]["encoded"]!), null);
                var encrypted = VectorMessages.ToMessage(items[i]["encrypted"]!);

                // Through the JSON codec, as a receiver would see it.
                var wire = ProtocolCodecs.Json.ReadMessages(System.Text.Encoding.UTF8.GetBytes(items[i]["encrypted"]!.ToString()))[0];
                var error = MessageEncoder.TryDecode(wire, cipher, out var decoded);
                Assert.That(error, Is.Null, context);
                Assert.That(decoded.Encoding, Is.Null, context);
                VectorMessages.AssertSameData(expected.Data, decoded.Data, context);

                var reencrypted = MessageEncoder.Encode(expected, cipher, WireFormat.Json);
                Assert.That(reencrypted.Encoding, Is.EqualTo(encrypted.Encoding), context);
                Assert.That(reencrypted.Data, Is.EqualTo(encrypted.Data), context);
            }
        });
    }

    [TestCase("crypto-data-128.json")]
    [TestCase("crypto-data-256.json")]
    public void RSL5_MsgPackForm_DecodesWithTheCodecAndReencodesIdenticallyWhereFieldOrderAllows(string fileName)
    {
        var file = Vectors.Load(fileName);
        var cipher = Cipher(file);
        var items = (JArray)file["items"]!;
        int identical = 0, contentOnly = 0;
        Assert.Multiple(() =>
        {
            for (var i = 0; i < items.Count; i++)
            {
                var context = $"{fileName} item {i} (msgpack)";
                var fixture = Convert.FromBase64String(items[i]["msgpack"]!.Value<string>()!);
                var expected = MessageEncoder.Decode(VectorMessages.ToMessage(items[i]["encoded"]!), null);

                var wire = ProtocolCodecs.MsgPack.ReadMessages(fixture).Single();
                Assert.That(wire.Data, Is.TypeOf<byte[]>(), context);
                Assert.That(wire.Encoding, Does.Not.Contain("base64"), context);
                Assert.That(MessageEncoder.TryDecode(wire, cipher, out var decoded), Is.Null, context);
                VectorMessages.AssertSameData(expected.Data, decoded.Data, context);
                Assert.That(decoded.Name, Is.EqualTo(expected.Name), context);

                // Decoding gave the message a version (TM2s, as every received message has); the fixture is the message
                // as published, without one.
                var ours = MessageEncoder.Encode(expected with { Version = null }, cipher, WireFormat.MsgPack);
                var bytes = ProtocolCodecs.MsgPack.Write(ours)[1..]; // drop the 1-element array header
                if (KeyOrder(fixture).SequenceEqual(new[] { "name", "data", "encoding" }))
                {
                    // Our writer's field order: id, name, data, encoding, ...
                    Assert.That(Convert.ToHexString(bytes), Is.EqualTo(Convert.ToHexString(fixture)), context);
                    identical++;
                }
                else
                {
                    var back = ProtocolCodecs.MsgPack.ReadMessages(bytes).Single();
                    Assert.That(back.Name, Is.EqualTo(wire.Name), context);
                    Assert.That(back.Encoding, Is.EqualTo(wire.Encoding), context);
                    Assert.That(back.Data, Is.EqualTo(wire.Data), context);
                    contentOnly++;
                }
            }
        });
        TestContext.Out.WriteLine($"{fileName}: {identical} byte-identical, {contentOnly} equal in content (fixture writes encoding before data)");
    }

    private static List<string> KeyOrder(byte[] msgpack)
    {
        var reader = new MessagePackReader(msgpack);
        var keys = new List<string>();
        var count = reader.ReadMapHeader();
        for (var i = 0; i < count; i++)
        {
            keys.Add(reader.ReadString()!);
            reader.Skip();
        }

        return keys;
    }
}
