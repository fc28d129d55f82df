using System.Globalization;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Tests.Channels.Integration;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Channels.Interop;

/// <summary>
/// ably-js 2.28's <c>channels.getDerived</c> and Reliably.Rx's <c>GetFiltered</c>, given the same filter, name the same
/// derived channel (RTS5a1) and receive the same messages from the emulator, in JSON and msgpack.
/// </summary>
[TestFixture]
[Category("Interop")]
[NonParallelizable]
public sealed class FilteredSubscriptionAblyJsCrossCheckTests : RealtimeEmulatorFixture
{
    [TestCaseSource(nameof(Formats))]
    public async Task RTS5a1_ably_js_derived_channel_and_Reliably_Rx_filtered_channel_see_the_same_messages(string format)
    {
        var name = "filter-interop-" + Guid.NewGuid().ToString("N")[..8];
        var filter = SubscriptionFilter.NameIn("quote", "trade") & SubscriptionFilter.HeaderIs("venue", "XLON");
        var messages = Enumerable.Range(0, 60).Select(i => new Message(i % 3 == 0 ? "quote" : i % 3 == 1 ? "trade" : "news", "m" + i)
        {
            Extras = new JObject { ["headers"] = new JObject { ["venue"] = i % 4 == 0 ? "XPAR" : "XLON" } },
        }).ToList();
        var expected = messages.Where(m => m.Name != "news" && m.Extras!["headers"]!.Value<string>("venue") == "XLON").Select(m => (string)m.Data!).ToList();

        await AblyJs.EnsureInstalledAsync();
        var client = await ConnectedClient(format);
        var filtered = client.Channels.GetFiltered(name, filter);
        var collector = new MessageCollector();
        using var subscription = filtered.Messages().Subscribe(collector);
        await filtered.AttachAsync().WaitAsync(Wait);

        using var js = AblyJs.StartScript(
            Path.Combine(Vectors.RepoRoot!, "Reliably.Rx.Tests", "Channels", "Interop", "filtered-crosscheck.js"),
            new Dictionary<string, string>
            {
                ["EMULATOR_PORT"] = Emulator.Port.ToString(CultureInfo.InvariantCulture),
                ["EMULATOR_KEY"] = Emulator.DefaultKey,
                ["USE_BINARY"] = format == "msgpack" ? "true" : "false",
                ["CHANNEL"] = name,
                ["FILTER"] = filter.Expression,
                ["EXPECTED"] = expected.Count.ToString(CultureInfo.InvariantCulture),
            },
            signalLine: "attached");
        Assert.That(await js.WaitForLineAsync(Wait), Is.True, "ably-js did not attach:\n" + js.Output);

        await client.Channels.Get(name).PublishAsync(messages).WaitAsync(Wait);
        await collector.WaitForCountAsync(expected.Count, Wait);
        var (exitCode, output) = await js.WaitForExitAsync(Wait);

        Assert.That(exitCode, Is.Zero, "ably-js side failed:\n" + output);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries);
        Assert.That(lines, Does.Contain("name " + filtered.Name), "the same derived channel name");
        var jsReceived = lines.Where(l => l.StartsWith("got ", StringComparison.Ordinal)).Select(l => l[4..]).ToList();
        Assert.That(jsReceived, Is.EqualTo(expected), "ably-js received the matching messages, in order");
        Assert.That(collector.Messages.Select(m => (string)m.Data!), Is.EqualTo(jsReceived), "Reliably.Rx received the same");
    }
}
