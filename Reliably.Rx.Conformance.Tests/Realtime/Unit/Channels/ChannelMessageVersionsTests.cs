using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>
/// uts/realtime/unit/channels/channel_message_versions.md (RTL31): <c>RealtimeChannel#getMessageVersions</c>, the same as
/// <c>RestChannel#getMessageVersions</c> (RSL14): the cases of rest/unit/channel/message_versions.md through a realtime channel.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_message_versions.md")]
public sealed class ChannelMessageVersionsTests
{
    // UTS: realtime/unit/RTL31/identical-to-rest-0
    [Test]
    public async Task RTL31_RealtimeChannelGetMessageVersionsIsIdenticalToRestChannelGetMessageVersions()
    {
        var mock = new MockHttp(req => req.RespondWith(200, """
            [{"name":"evt","data":"original","serial":"msg-serial-1","action":0,"timestamp":1700000000000},
             {"name":"evt","data":"updated","serial":"msg-serial-1","action":1,"version":{"serial":"vs2","timestamp":1700000002000}}]
            """));
        await using var realtime = new AblyRealtime(mock.Options(o => o with { AutoConnect = false }));
        var channel = realtime.Channels.Get(MockHttp.RandomName("test-RTL31"));

        var page = mock.Await(channel.GetMessageVersionsAsync("msg-serial-1", new Dictionary<string, string> { ["direction"] = "backwards", ["limit"] = "10" }));
        mock.Await(channel.GetMessageVersionsAsync(new Message { Serial = "msg-serial-1" }));

        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(mock.Requests[0].Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(channel.Name) + "/messages/msg-serial-1/versions"));
        Assert.That(mock.Requests[0].Query("direction"), Is.EqualTo("backwards"));
        Assert.That(mock.Requests[0].Query("limit"), Is.EqualTo("10"));
        Assert.That(mock.Requests[1].Path, Is.EqualTo(mock.Requests[0].Path));
        Assert.That(page.Items.Select(m => m.Action), Is.EqualTo(new MessageAction?[] { MessageAction.Create, MessageAction.Update }));
        Assert.That(page.Items[0].Version!.Serial, Is.EqualTo("msg-serial-1"), "TM2s1: a version the wire lacks takes the message's serial");
        Assert.That(page.Items[1].Version!.Serial, Is.EqualTo("vs2"));
        Assert.That(mock.AwaitFailure(channel.GetMessageVersionsAsync(new Message())).Code, Is.EqualTo(40003));
    }
}
