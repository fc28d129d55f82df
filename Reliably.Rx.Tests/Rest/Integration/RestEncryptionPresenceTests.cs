using Newtonsoft.Json.Linq;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Rest.Integration;

[TestFixture]
[Category("Integration")]
public sealed class RestEncryptionPresenceTests : EmulatorFixture
{
    [TestCaseSource(nameof(Formats))]
    public async Task RSL5_EncryptedPublishIsDecryptedWithTheKeyAndLeftEncodedWithout(string format)
    {
        var cipher = new CipherParams(CipherParams.GenerateRandomKey());
        var name = UniqueChannel("crypto");
        await using var publisher = Client(format);
        await using var withKey = Client(format);
        await using var withoutKey = Client(format);

        await publisher.Channels.Get(name, new ChannelOptions { Cipher = cipher }).PublishAsync(new[]
        {
            new Message("s", "secret text"),
            new Message("j", new JObject { ["k"] = "v" }),
            new Message("b", new byte[] { 1, 2, 3 }),
        });

        var decrypted = (await withKey.Channels.Get(name, new ChannelOptions { Cipher = cipher })
            .HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Forwards })).Items;
        var raw = (await withoutKey.Channels.Get(name).HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Forwards })).Items;

        Assert.Multiple(() =>
        {
            Assert.That(decrypted[0].Data, Is.EqualTo("secret text"));
            Assert.That(((JObject)decrypted[1].Data!)["k"]!.ToString(), Is.EqualTo("v"));
            Assert.That(decrypted[2].Data, Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(decrypted.All(m => m.Encoding is null), Is.True);

            // RSL6b: without the key the cipher step stays; base64 (a transport step) is undone.
            Assert.That(raw[0].Encoding, Is.EqualTo("utf-8/cipher+aes-256-cbc"));
            Assert.That(raw[1].Encoding, Is.EqualTo("json/utf-8/cipher+aes-256-cbc"));
            Assert.That(raw[2].Encoding, Is.EqualTo("cipher+aes-256-cbc"));
            Assert.That(raw.All(m => m.Data is byte[]), Is.True);
        });
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSL5_WrongKeyLeavesTheEncodingInsteadOfThrowing(string format)
    {
        // Fixed keys and IV: with random ones the wrong key's output passes the PKCS#7 padding check about once in
        // 256 runs (CBC has no integrity check), and the message then fails at its utf-8 step instead.
        var name = UniqueChannel("wrongkey");
        var publishKey = new CipherParams(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray()) { FixedIv = new byte[16] };
        var readKey = new CipherParams(Enumerable.Range(16, 16).Select(i => (byte)i).ToArray());
        await using var rest = Client(format);
        await rest.Channels.Get(name, new ChannelOptions { Cipher = publishKey }).PublishAsync("s", "text");

        var other = rest.Channels.Get(name, new ChannelOptions { Cipher = readKey });
        var message = (await other.HistoryAsync()).Items.Single();

        Assert.That(message.Encoding, Does.Contain("cipher+aes-128-cbc"));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSP3_RSP4_PresenceFixturesAreReadAndDecrypted(string format)
    {
        var vectors = (JObject)Vectors.Load("test-app-setup.json");
        var app = Emulator.CreateAppFromSetup(vectors["post_apps"]!.ToString());
        var cipher = CipherParams.FromBase64((string)vectors["cipher"]!["key"]!);
        await using var rest = new AblyRest(Options(format, app.Keys[0].KeyString));
        var channel = rest.Channels.Get("persisted:presence_fixtures", new ChannelOptions { Cipher = cipher });

        var members = (await channel.Presence.GetAsync()).Items;
        var filtered = (await channel.Presence.GetAsync(clientId: "client_string")).Items;
        var limited = await channel.Presence.GetAsync(limit: 2);
        var history = await channel.Presence.HistoryAsync();

        var byClient = members.ToDictionary(m => m.ClientId!);
        Assert.Multiple(() =>
        {
            Assert.That(byClient.Keys, Is.SupersetOf(new[] { "client_bool", "client_int", "client_string", "client_json", "client_decoded", "client_encoded" }));
            Assert.That(byClient["client_string"].Data, Is.EqualTo("This is a string clientData payload"));
            Assert.That(((JObject)byClient["client_decoded"].Data!)["example"]!["json"]!.ToString(), Is.EqualTo("Object"));
            Assert.That(((JObject)byClient["client_encoded"].Data!)["example"]!["json"]!.ToString(), Is.EqualTo("Object"));
            Assert.That(byClient["client_encoded"].Encoding, Is.Null);
            Assert.That(members.All(m => m.Action == PresenceAction.Present), Is.True);
            Assert.That(filtered.Select(m => m.ClientId), Is.EqualTo(new[] { "client_string" }));
            Assert.That(limited.Items, Has.Count.EqualTo(2));
            Assert.That(limited.HasNext, Is.True);
            Assert.That(history.Items, Is.Not.Null);
        });
    }
}
