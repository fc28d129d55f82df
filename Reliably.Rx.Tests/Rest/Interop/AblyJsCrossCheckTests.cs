using System.Globalization;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Tests.Rest.Integration;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Rest.Interop;

/// <summary>
/// Messages published over REST by Reliably.Rx are read by ably-js (2.28.0, from the emulator's interop folder) and the
/// reverse; string, JSON, binary and encrypted data must come out equal. Ignored when node or the ably package is
/// missing.
/// </summary>
[TestFixture]
[Category("Interop")]
[NonParallelizable]
public sealed class AblyJsCrossCheckTests : EmulatorFixture
{
    private static string Script => Path.Combine(Vectors.RepoRoot ?? ".", "Reliably.Rx.Tests", "Rest", "Interop", "rest-crosscheck.js");

    [TestCaseSource(nameof(Formats))]
    public async Task RestMessagesAreEqualBetweenReliablyRxAndAblyJs(string format)
    {
        // Installs the pinned ably-js with npm ci when needed (ignored only when node or npm is missing).
        await AblyJs.EnsureInstalledAsync();

        var cipherKey = CipherParams.GenerateRandomKey();
        var cipher = new CipherParams(cipherKey);
        var toJs = UniqueChannel("to-js");
        var fromJs = UniqueChannel("from-js");
        await using var rest = Client(format);
        await rest.Channels.Get(toJs).PublishAsync(new[]
        {
            new Message("text", "from dotnet é"),
            new Message("json", new JObject { ["a"] = 1, ["list"] = new JArray("x", "y"), ["nested"] = new JObject { ["ok"] = true } }),
            new Message("binary", new byte[] { 0, 1, 2, 255 }),
        });
        await rest.Channels.Get(toJs + "-enc", new ChannelOptions { Cipher = cipher }).PublishAsync("enc", "secret from dotnet");

        var result = await AblyJs.RunScriptAsync(Script, new Dictionary<string, string>
        {
            ["EMULATOR_PORT"] = Emulator.Port.ToString(CultureInfo.InvariantCulture),
            ["EMULATOR_KEY"] = Emulator.DefaultKey,
            ["USE_BINARY"] = format == "msgpack" ? "true" : "false",
            ["READ_CHANNEL"] = toJs,
            ["WRITE_CHANNEL"] = fromJs,
            ["CIPHER_KEY"] = Convert.ToBase64String(cipherKey),
        }, TimeSpan.FromSeconds(60));
        Assert.That(result.ExitCode, Is.Zero, "ably-js side failed:\n" + result.Output);

        var items = (await rest.Channels.Get(fromJs).HistoryAsync()).Items.ToDictionary(m => m.Name!);
        var encrypted = (await rest.Channels.Get(fromJs + "-enc", new ChannelOptions { Cipher = cipher }).HistoryAsync()).Items.Single();
        Assert.Multiple(() =>
        {
            Assert.That(items["text"].Data, Is.EqualTo("from ably-js é"));
            Assert.That(JToken.DeepEquals((JToken)items["json"].Data!, JObject.Parse("{\"b\":2,\"list\":[1,2],\"nested\":{\"ok\":false}}")), Is.True);
            Assert.That(items["binary"].Data, Is.EqualTo(new byte[] { 9, 8, 7, 0 }));
            Assert.That(encrypted.Data, Is.EqualTo("secret from ably-js"));
            Assert.That(encrypted.Encoding, Is.Null);
        });
    }
}
