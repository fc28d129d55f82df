using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>How messages are laid out in MESSAGE frames: what a client derives from the frame is left out (TM2a/c/f).</summary>
public sealed class WireMessageTests : EmulatorTestBase
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task TM2a_a_message_moved_up_by_a_filter_carries_its_id_because_its_index_no_longer_gives_it(bool msgpack)
    {
        var channel = Unique("wire-ids");
        var derived = "[filter=" + Convert.ToBase64String(Encoding.UTF8.GetBytes("name == `\"kept\"`")) + "]" + channel;
        var (subscriber, _) = await ConnectedAsync(msgpack);
        var (plain, _) = await ConnectedAsync(msgpack);
        var (publisher, pubConnected) = await ConnectedAsync();
        await using var _s = subscriber;
        await using var _q = plain;
        await using var _p = publisher;
        await subscriber.SendAsync(Frames.AttachFrame(derived));
        await subscriber.ReceiveActionAsync(Frames.Attached, derived);
        await plain.SendAsync(Frames.AttachFrame(channel));
        await plain.ReceiveActionAsync(Frames.Attached, channel);

        await publisher.SendAsync(Frames.Publish(channel, 0, Frames.Msg("kept"), Frames.Msg("dropped"), Frames.Msg("kept")));
        await publisher.ReceiveActionAsync(Frames.Ack);
        var frameId = pubConnected.Value<string>("connectionId") + ":0";

        // The whole frame: every id derivable, none sent.
        var whole = await plain.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(whole.Value<string>("id"), Is.EqualTo(frameId));
        Assert.That(whole["messages"]!.Select(m => m["id"]), Is.All.Null);

        // Filtered: the first keeps its index and needs no id; the third is now second, so it says who it is.
        var filtered = await subscriber.ReceiveActionAsync(Frames.Message, derived);
        var ids = filtered["messages"]!.Select(m => m.Value<string?>("id")).ToList();
        Assert.That(ids, Is.EqualTo(new string?[] { null, frameId + ":2" }));
    }
}
