using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Tests.Channels.Integration;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Channels.Interop;

/// <summary>
/// Annotations (RTAN1, RTAN2, RTAN4, TM2u) between Reliably.Rx and ably-js (2.28.0) through the emulator, in JSON and
/// msgpack: what one client annotates, the other receives as the same annotation and the same summary. Ignored when
/// node or the ably package is missing.
/// </summary>
[TestFixture]
[Category("Interop")]
[NonParallelizable]
public sealed class AnnotationsAblyJsCrossCheckTests : RealtimeEmulatorFixture
{
    private const ChannelModes All = ChannelModes.Publish | ChannelModes.Subscribe | ChannelModes.AnnotationPublish | ChannelModes.AnnotationSubscribe;

    private static string Script => Path.Combine(Vectors.RepoRoot ?? ".", "Reliably.Rx.Tests", "Channels", "Interop", "annotations-crosscheck.js");

    [TestCaseSource(nameof(Formats))]
    public async Task Annotations_made_by_either_client_are_seen_alike_by_the_other(string format)
    {
        await AblyJs.EnsureInstalledAsync();
        var toJs = "mutable:" + UniqueChannel("annotations-to-js");
        var fromJs = "mutable:" + UniqueChannel("annotations-from-js");
        var client = await ConnectedClient(format, o => o with { ClientId = "dotnet" });

        var read = client.Channels.Get(fromJs, new ChannelOptions { Modes = All });
        var annotations = read.Annotations.Events.Take(3).ToList().ToTask();
        var summaries = read.CurrentStates().Where(m => m.Annotations!.Summary.Count > 0).Take(3).ToList().ToTask();
        await read.AttachAsync().WaitAsync(Wait);

        using var node = AblyJs.StartScript(Script, new Dictionary<string, string>
        {
            ["EMULATOR_PORT"] = Emulator.Port.ToString(CultureInfo.InvariantCulture),
            ["EMULATOR_KEY"] = Emulator.DefaultKey,
            ["USE_BINARY"] = format == "msgpack" ? "true" : "false",
            ["READ_CHANNEL"] = toJs,
            ["WRITE_CHANNEL"] = fromJs,
        }, signalLine: "ready");
        Assert.That(await node.WaitForLineAsync(Wait), Is.True, "ably-js did not attach:\n" + node.Output);

        var write = client.Channels.Get(toJs, new ChannelOptions { Modes = All });
        var serial = (await write.PublishAsync("greeting", "Hi").WaitAsync(Wait)).Serials[0]!;
        await write.Annotations.PublishAsync(serial, new Annotation { Type = "reaction:distinct.v1", Name = "+1" }).WaitAsync(Wait);

        var (exitCode, output) = await node.WaitForExitAsync(Wait);
        Assert.That(exitCode, Is.Zero, "ably-js side failed:\n" + output);

        var received = await annotations.WaitAsync(Wait);
        var states = await summaries.WaitAsync(Wait);
        Assert.Multiple(() =>
        {
            Assert.That(received.Select(a => (a.Action, a.Type, a.ClientId)), Is.EqualTo(new (AnnotationAction, string?, string?)[]
            {
                (AnnotationAction.Create, "vote:multiple.v1", "js"), (AnnotationAction.Create, "seen:flag.v1", "js"), (AnnotationAction.Delete, "seen:flag.v1", "js"),
            }));
            Assert.That(received[0].Count, Is.EqualTo(3));
            Assert.That(received.Select(a => a.MessageSerial).Distinct().Count(), Is.EqualTo(1));
            var votes = AnnotationSummaries.MultipleV1(states[^1].Annotations!.Summary["vote:multiple.v1"])["yes"];
            Assert.That((votes.Total, votes.ClientIds["js"]), Is.EqualTo((3L, 3L)));
            Assert.That(AnnotationSummaries.FlagV1(states[1].Annotations!.Summary["seen:flag.v1"]).ClientIds, Is.EqualTo(new[] { "js" }));
            Assert.That(AnnotationSummaries.FlagV1(states[^1].Annotations!.Summary["seen:flag.v1"]).Total, Is.Zero, "the delete took the flag back");
            Assert.That(states.Select(m => (m.Name, m.Data)), Is.All.EqualTo(("question", (object)"tea?")), "summaries folded into the message");
        });
    }
}
