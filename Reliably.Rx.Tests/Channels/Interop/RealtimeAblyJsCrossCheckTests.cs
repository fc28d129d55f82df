using System.Globalization;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Tests.Channels.Integration;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Channels.Interop;

/// <summary>
/// Realtime messages published by Reliably.Rx are received by ably-js (2.28.0, from the emulator's interop folder) and
/// the reverse, over WebSockets in JSON and msgpack; string, JSON, binary and encrypted payloads must be equal. Ignored
/// when node or the ably package is missing.
/// </summary>
[TestFixture]
[Category("Interop")]
[NonParallelizable]
public sealed class RealtimeAblyJsCrossCheckTests : RealtimeEmulatorFixture
{
    private static string Script => Path.Combine(Vectors.RepoRoot ?? ".", "Reliably.Rx.Tests", "Channels", "Interop", "realtime-crosscheck.js");

    [TestCaseSource(nameof(Formats))]
    public async Task Realtime_messages_are_equal_between_Reliably_Rx_and_ably_js(string format)
    {
        // Installs the pinned ably-js with npm ci when needed (ignored only when node or npm is missing).
        await AblyJs.EnsureInstalledAsync();

        var cipherKey = CipherParams.GenerateRandomKey();
        var cipher = new ChannelOptions { Cipher = new CipherParams(cipherKey) };
        var toJs = UniqueChannel("rt-to-js");
        var fromJs = UniqueChannel("rt-from-js");
        var client = await ConnectedClient(format);

        var plainIn = new MessageCollector();
        var encryptedIn = new MessageCollector();
        var readPlain = client.Channels.Get(fromJs);
        var readEncrypted = client.Channels.Get(fromJs + "-enc", cipher);
        using var s1 = readPlain.Messages().Subscribe(plainIn);
        using var s2 = readEncrypted.Messages().Subscribe(encryptedIn);
        await readPlain.WaitForStateAsync(ChannelState.Attached, Wait);
        await readEncrypted.WaitForStateAsync(ChannelState.Attached, Wait);
        using var node = AblyJs.StartScript(Script, new Dictionary<string, string>
        {
            ["EMULATOR_PORT"] = Emulator.Port.ToString(CultureInfo.InvariantCulture),
            ["EMULATOR_KEY"] = Emulator.DefaultKey,
            ["USE_BINARY"] = format == "msgpack" ? "true" : "false",
            ["READ_CHANNEL"] = toJs,
            ["WRITE_CHANNEL"] = fromJs,
            ["CIPHER_KEY"] = Convert.ToBase64String(cipherKey),
        }, signalLine: "ready");
        Assert.That(await node.WaitForLineAsync(Wait), Is.True, "ably-js did not attach:\n" + node.Output);

        await client.Channels.Get(toJs).PublishAsync(new[]
        {
            new Message("text", "from dotnet é"),
            new Message("json", new JObject { ["a"] = 1, ["list"] = new JArray("x", "y"), ["nested"] = new JObject { ["ok"] = true } }),
            new Message("binary", new byte[] { 0, 1, 2, 255 }),
        }).WaitAsync(Wait);
        await client.Channels.Get(toJs + "-enc", cipher).PublishAsync("enc", "secret from dotnet").WaitAsync(Wait);

        var (exitCode, output) = await node.WaitForExitAsync(Wait);
        Assert.That(exitCode, Is.Zero, "ably-js side failed:\n" + output);

        await plainIn.WaitForCountAsync(3, Wait);
        await encryptedIn.WaitForCountAsync(1, Wait);
        var byName = plainIn.Messages.ToDictionary(m => m.Name!);
        Assert.Multiple(() =>
        {
            Assert.That(byName["text"].Data, Is.EqualTo("from ably-js é"));
            Assert.That(JToken.DeepEquals((JToken)byName["json"].Data!, JObject.Parse("{\"b\":2,\"list\":[1,2],\"nested\":{\"ok\":false}}")), Is.True);
            Assert.That(byName["binary"].Data, Is.EqualTo(new byte[] { 9, 8, 7, 0 }));
            Assert.That(encryptedIn.Messages.Single().Data, Is.EqualTo("secret from ably-js"));
            Assert.That(encryptedIn.Messages.Single().Encoding, Is.Null);
        });
    }
}
