using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>The channel's replay log (resume and rewind) keeps as many messages as history does, however they were batched.</summary>
public sealed class ReplayLogLimitTests : EmulatorTestBase
{
    protected override EmulatorOptions Options => new() { ChannelHistoryLimit = 10 };

    [Test]
    public async Task RTL4k_the_replay_log_keeps_ChannelHistoryLimit_messages_not_that_many_batches()
    {
        var channel = Unique("replay-limit");
        var (publisher, _) = await ConnectedAsync();
        await using var _p = publisher;
        for (var batch = 0; batch < 5; batch++)
        {
            await publisher.SendAsync(Frames.Publish(channel, batch, Enumerable.Range(5 * batch, 5).Select(i => Frames.Msg("m" + i)).ToArray()));
            await publisher.ReceiveActionAsync(Frames.Ack);
        }

        // A rewind over the whole span replays what the log still holds: the last 10 messages (two batches of five).
        var (late, _) = await ConnectedAsync();
        await using var _l = late;
        await late.SendAsync(Frames.AttachFrame(channel, parameters: new JObject { ["rewind"] = "1m" }));
        await late.ReceiveActionAsync(Frames.Attached, channel);
        await publisher.SendAsync(Frames.Publish(channel, 5, Frames.Msg("live")));
        var names = new List<string>();
        while (!names.Contains("live"))
        {
            var frame = await late.ReceiveActionAsync(Frames.Message, channel);
            names.AddRange(frame["messages"]!.Select(m => m.Value<string>("name")!));
        }

        Assert.That(names, Is.EqualTo(Enumerable.Range(15, 10).Select(i => "m" + i).Append("live")));
    }
}
