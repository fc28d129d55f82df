using System.Diagnostics;
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

    private static string NodeModules => Path.Combine(Vectors.RepoRoot ?? ".", "Reliably.Rx.Emulator.Tests", "interop", "node_modules");

    [TestCaseSource(nameof(Formats))]
    [Ignore("Open issue: ably-js attaches (the emulator lists it) but receives no MESSAGE published by Reliably.Rx in this harness, while a .NET control subscriber and a raw WebSocket do, and REST publishes from this harness do not reach it either, while the same script receives ably-js and REST publishes when run by hand against the CLI emulator: a harness or in-process emulator issue, not a channel one. Investigate before enabling.")]
    public async Task Realtime_messages_are_equal_between_Reliably_Rx_and_ably_js(string format)
    {
        if (!File.Exists(Path.Combine(NodeModules, "ably", "package.json")))
        {
            Assert.Ignore("ably-js not installed at " + NodeModules + " (run npm ci in Reliably.Rx.Emulator.Tests/interop)");
        }

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
        var control = new MessageCollector();
        var controlClient = await ConnectedClient(format);
        var controlChannel = controlClient.Channels.Get(toJs);
        using var s3 = controlChannel.Messages().Subscribe(control);
        await controlChannel.WaitForStateAsync(ChannelState.Attached, Wait);

        var info = new ProcessStartInfo("node", "\"" + Script + "\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["NODE_PATH"] = NodeModules;
        info.Environment["EMULATOR_PORT"] = Emulator.Port.ToString(CultureInfo.InvariantCulture);
        info.Environment["EMULATOR_KEY"] = Emulator.DefaultKey;
        info.Environment["USE_BINARY"] = format == "msgpack" ? "true" : "false";
        info.Environment["READ_CHANNEL"] = toJs;
        info.Environment["WRITE_CHANNEL"] = fromJs;
        info.Environment["CIPHER_KEY"] = Convert.ToBase64String(cipherKey);

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Ignore("node is not installed");
            throw;
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            var log = new System.Text.StringBuilder();
            string? line;
            while ((line = await process.StandardOutput.ReadLineAsync().WaitAsync(Wait)) is not null && line != "ready")
            {
                log.AppendLine(line);
            }

            Assert.That(line, Is.EqualTo("ready"), "ably-js did not attach:\n" + log + await stderr);

            await client.Channels.Get(toJs).PublishAsync(new[]
            {
                new Message("text", "from dotnet é"),
                new Message("json", new JObject { ["a"] = 1, ["list"] = new JArray("x", "y"), ["nested"] = new JObject { ["ok"] = true } }),
                new Message("binary", new byte[] { 0, 1, 2, 255 }),
            }).WaitAsync(Wait);
            await client.Channels.Get(toJs + "-enc", cipher).PublishAsync("enc", "secret from dotnet").WaitAsync(Wait);

            await control.WaitForCountAsync(3, Wait);
            var rest = process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(Wait);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("ably-js timed out:\n" + await rest + await stderr);
            }

            Assert.That(process.ExitCode, Is.Zero, "ably-js side failed:\n" + log + await rest + await stderr);
        }

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
