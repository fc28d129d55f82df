using System.Globalization;
using Reliably.Rx.Tests.Channels.Integration;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Channels.Interop;

/// <summary>
/// Message updates, deletes and appends (RTL32, RSL11, RSL14) between Reliably.Rx and ably-js (2.28.0) through the
/// emulator, in JSON and msgpack: what one client changes, the other receives with the same actions, serials, versions
/// and data, and reads back the same way. Ignored when node or the ably package is missing.
/// </summary>
[TestFixture]
[Category("Interop")]
[NonParallelizable]
public sealed class MessageChangesAblyJsCrossCheckTests : RealtimeEmulatorFixture
{
    private static string Script => Path.Combine(Vectors.RepoRoot ?? ".", "Reliably.Rx.Tests", "Channels", "Interop", "message-changes-crosscheck.js");

    [TestCaseSource(nameof(Formats))]
    public async Task Changes_made_by_either_client_are_seen_alike_by_the_other(string format)
    {
        await AblyJs.EnsureInstalledAsync();
        var toJs = "mutable:" + UniqueChannel("changes-to-js");
        var fromJs = "mutable:" + UniqueChannel("changes-from-js");
        var client = await ConnectedClient(format);

        var read = client.Channels.Get(fromJs);
        var raw = new MessageCollector();
        var states = new List<Message>();
        var deleted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var s1 = read.Messages().Subscribe(raw);
        using var s2 = read.CurrentStates().Subscribe(m =>
        {
            lock (states)
            {
                states.Add(m);
            }

            if (m.Action == MessageAction.Delete)
            {
                deleted.TrySetResult();
            }
        });
        await read.WaitForStateAsync(ChannelState.Attached, Wait);

        using var node = AblyJs.StartScript(Script, new Dictionary<string, string>
        {
            ["EMULATOR_PORT"] = Emulator.Port.ToString(CultureInfo.InvariantCulture),
            ["EMULATOR_KEY"] = Emulator.DefaultKey,
            ["USE_BINARY"] = format == "msgpack" ? "true" : "false",
            ["READ_CHANNEL"] = toJs,
            ["WRITE_CHANNEL"] = fromJs,
        }, signalLine: "ready");
        Assert.That(await node.WaitForLineAsync(Wait), Is.True, "ably-js did not attach:\n" + node.Output);

        var write = client.Channels.Get(toJs);
        var serial = (await write.PublishAsync("greeting", "Hi").WaitAsync(Wait)).Serials[0]!;
        await write.AppendMessageAsync(new Message { Serial = serial, Data = " there" },
            new MessageOperation { Description = "more", Metadata = new Dictionary<string, string> { ["step"] = "2" } }).WaitAsync(Wait);
        await write.DeleteMessageAsync(new Message { Serial = serial }).WaitAsync(Wait);

        var (exitCode, output) = await node.WaitForExitAsync(Wait);
        Assert.That(exitCode, Is.Zero, "ably-js side failed:\n" + output);

        await deleted.Task.WaitAsync(Wait);
        await raw.WaitForCountAsync(4, Wait);
        Assert.Multiple(() =>
        {
            Assert.That(raw.Messages.Select(m => m.Action), Is.EqualTo(new MessageAction?[] { MessageAction.Create, MessageAction.Append, MessageAction.Update, MessageAction.Delete }));
            Assert.That(raw.Messages.Select(m => m.Serial).Distinct().Count(), Is.EqualTo(1), "one message, four versions");
            Assert.That(raw.Messages[1].Version!.Description, Is.EqualTo("token"));
            Assert.That(raw.Messages[1].Version!.Metadata!["n"], Is.EqualTo("1"));
            Assert.That(raw.Messages[2].Version!.ClientId, Is.EqualTo("editor"));
            lock (states)
            {
                Assert.That(states.Select(m => (m.Action, m.Name, m.Data)), Is.EqualTo(new (MessageAction?, string?, object?)[]
                {
                    (MessageAction.Create, "answer", "Hel"),
                    (MessageAction.Update, "answer", "Hello"),
                    (MessageAction.Update, "final", "Hello!"),
                    (MessageAction.Delete, "final", "Hello!"),
                }));
            }
        });
    }
}
