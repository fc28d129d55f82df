using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Integration;

/// <summary>uts/realtime/integration/channel_history_test.md (RTL10d), once per protocol (json, msgpack).</summary>
[TestFixture]
[Category("uts/realtime/integration/channel_history_test.md")]
public sealed class ChannelHistoryTests : EmulatorSandbox
{
    // UTS: realtime/integration/RTL10d/history-cross-client-0
    [Test]
    [Adapted("poll_until(history has 3 items) is one request: the emulator stores a message before it ACKs it, so history is complete once the publishes are confirmed")]
    public async Task RTL10d_HistoryContainsMessagesPublishedByAnotherClient([Values("json", "msgpack")] string protocol)
    {
        var binary = protocol == "msgpack";
        var channelName = UniqueChannel("history-RTL10d");
        var publisher = await ConnectedAsync(binary: binary);
        var subscriber = await ConnectedAsync(binary: binary);
        var pubChannel = publisher.Channels.Get(channelName);
        var subChannel = subscriber.Channels.Get(channelName);
        await pubChannel.AttachAsync().WaitAsync(Wait);
        await subChannel.AttachAsync().WaitAsync(Wait);

        await pubChannel.PublishAsync("event1", "data1").WaitAsync(Wait);
        await pubChannel.PublishAsync("event2", "data2").WaitAsync(Wait);
        await pubChannel.PublishAsync("event3", "data3").WaitAsync(Wait);
        var history = await subChannel.HistoryAsync().WaitAsync(Wait);

        Assert.That(history.Items, Has.Count.EqualTo(3));
        Assert.That(history.Items[0].Name, Is.EqualTo("event3"));
        Assert.That(history.Items[0].Data, Is.EqualTo("data3"));
        Assert.That(history.Items[1].Name, Is.EqualTo("event2"));
        Assert.That(history.Items[1].Data, Is.EqualTo("data2"));
        Assert.That(history.Items[2].Name, Is.EqualTo("event1"));
        Assert.That(history.Items[2].Data, Is.EqualTo("data1"));
    }
}
