using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Presence.Interop;

/// <summary>ably-js enters presence and Reliably.Rx sees it, and the reverse, in JSON and msgpack.</summary>
[TestFixture]
[Category("Interop")]
[NonParallelizable]
public sealed class PresenceAblyJsCrossCheckTests
{
    public static readonly object[] Formats = { "json", "msgpack" };

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private AblyEmulator _emulator = null!;

    [OneTimeSetUp]
    public async Task Setup()
    {
        await AblyJs.EnsureInstalledAsync();
        _emulator = await AblyEmulator.StartAsync(new EmulatorOptions { PresenceLeaveDelay = TimeSpan.FromSeconds(1) });
    }

    [OneTimeTearDown]
    public async Task TearDown()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }

    [TestCaseSource(nameof(Formats))]
    public async Task Members_entered_by_ably_js_and_by_Reliably_Rx_see_each_other(string format)
    {
        var channelName = "presence-interop-" + Guid.NewGuid().ToString("N")[..8];
        await using var client = new AblyRealtime(new ClientOptions
        {
            Key = _emulator.DefaultKey,
            ClientId = "dotnet-user",
            Endpoint = "127.0.0.1",
            Port = _emulator.Port,
            Tls = false,
            AllowInsecureBasicAuth = true,
            UseBinaryProtocol = format == "msgpack",
        });
        var presence = client.Channels.Get(channelName).Presence;
        var jsArrived = presence.Members.FirstAsync(set => set.Any(m => m.ClientId == "js-user")).ToTask();

        var script = AblyJs.RunScriptAsync(
            Path.Combine(Vectors.RepoRoot!, "Reliably.Rx.Tests", "Presence", "Interop", "presence-crosscheck.js"),
            new Dictionary<string, string>
            {
                ["EMULATOR_PORT"] = _emulator.Port.ToString(CultureInfo.InvariantCulture),
                ["EMULATOR_KEY"] = _emulator.DefaultKey,
                ["USE_BINARY"] = format == "msgpack" ? "true" : "false",
                ["CHANNEL"] = channelName,
                ["JS_CLIENT_ID"] = "js-user",
                ["DOTNET_CLIENT_ID"] = "dotnet-user",
            },
            Wait);

        // Reliably.Rx sees the ably-js member with its JSON data...
        var set = await jsArrived.WaitAsync(Wait);
        var jsMember = set.Single(m => m.ClientId == "js-user");
        Assert.That(JToken.DeepEquals(jsMember.Data as JToken, JObject.Parse("{\"from\":\"ably-js\"}")), Is.True, "data: " + jsMember.Data);

        // ...and ably-js sees the member Reliably.Rx enters.
        await presence.EnterAsync("from dotnet").WaitAsync(Wait);
        var (exitCode, output) = await script;
        Assert.That(exitCode, Is.Zero, "ably-js side failed:\n" + output);
        Assert.That(output, Does.Contain("saw dotnet"));
    }
}
