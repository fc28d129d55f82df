using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>
/// uts/realtime/unit/channels/channel_get_message.md (RTL28): <c>RealtimeChannel#getMessage</c>, the same as
/// <c>RestChannel#getMessage</c> (RSL11): the cases of rest/unit/channel/get_message.md through a realtime channel.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_get_message.md")]
public sealed class ChannelGetMessageTests
{
    // UTS: realtime/unit/RTL28/identical-to-rest-0
    [Test]
    public async Task RTL28_RealtimeChannelGetMessageIsIdenticalToRestChannelGetMessage()
    {
        var mock = new MockHttp(req => req.RespondWith(200, """
            {"name":"evt","data":"hello","serial":"serial/1","action":1,"timestamp":1700000000000,
             "version":{"serial":"vs2","timestamp":1700000001000,"description":"edit"}}
            """));
        await using var realtime = new AblyRealtime(mock.Options(o => o with { AutoConnect = false }));
        var channel = realtime.Channels.Get(MockHttp.RandomName("test-RTL28"));

        var message = mock.Await(channel.GetMessageAsync("serial/1"));
        var byMessage = mock.Await(channel.GetMessageAsync(new Message { Serial = "serial/1" }));

        Assert.That(mock.Requests, Has.Count.EqualTo(2));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(mock.Requests[0].Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(channel.Name) + "/messages/" + Uri.EscapeDataString("serial/1")));
        Assert.That(mock.Requests[1].Path, Is.EqualTo(mock.Requests[0].Path), "RSL11a1: a message names itself by its serial");
        Assert.That(message.Data, Is.EqualTo("hello"));
        Assert.That(message.Action, Is.EqualTo(MessageAction.Update));
        Assert.That(message.Version!.Serial, Is.EqualTo("vs2"));
        Assert.That(message.Version.Description, Is.EqualTo("edit"));
        Assert.That(byMessage.Serial, Is.EqualTo("serial/1"));
        Assert.That(mock.AwaitFailure(channel.GetMessageAsync(new Message())).Code, Is.EqualTo(40003));
        Assert.That(mock.Requests, Has.Count.EqualTo(2), "no request without a serial");
    }
}
