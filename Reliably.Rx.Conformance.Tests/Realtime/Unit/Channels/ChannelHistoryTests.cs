using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_history.md (RTL10): <c>RealtimeChannel#history</c>.</summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_history.md")]
public sealed class ChannelHistoryTests
{
    // UTS: realtime/unit/RTL10a/supports-rest-params-0
    [Test]
    public async Task RTL10a_RTL10c_HistorySupportsAllRestChannelHistoryParams()
    {
        // The spec defers to uts/rest/unit/channel/history.md (RSL2): the same endpoint, parameters and result. Here: the
        // request of RSL2's parameter cases (start, end, direction, limit) and the first page of RSL2a's response.
        await using var f = ChannelFixture.Connected("test-RTL10a");
        var requests = f.AnswerHttp("""
            [{ "id": "msg1", "name": "event1", "data": "data1", "timestamp": 1000 },
             { "id": "msg2", "name": "event2", "data": "data2", "timestamp": 2000 }]
            """);

        var result = f.Scheduler.Await(f.Channel.HistoryAsync(new HistoryQuery
        {
            Start = DateTimeOffset.FromUnixTimeMilliseconds(1234567890000),
            End = DateTimeOffset.FromUnixTimeMilliseconds(1234567899999),
            Direction = PaginationDirection.Forwards,
            Limit = 50,
        }));

        Assert.That(requests, Has.Count.EqualTo(1));
        Assert.That(requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(requests[0].Path, Is.EqualTo("/channels/test-RTL10a/messages"));
        Assert.That(requests[0].Query("start"), Is.EqualTo("1234567890000"));
        Assert.That(requests[0].Query("end"), Is.EqualTo("1234567899999"));
        Assert.That(requests[0].Query("direction"), Is.EqualTo("forwards"));
        Assert.That(requests[0].Query("limit"), Is.EqualTo("50"));
        Assert.That(result.Items, Has.Count.EqualTo(2));
        Assert.That(result.Items[0].Id, Is.EqualTo("msg1"));
        Assert.That(result.Items[0].Name, Is.EqualTo("event1"));
        Assert.That(result.Items[0].Data, Is.EqualTo("data1"));
    }

    // UTS: realtime/unit/RTL10b/adds-from-serial-0
    [Test]
    public async Task RTL10b_UntilAttachAddsFromSerialQueryParameter()
    {
        const string attachSerial = "serial-abc:0";
        await using var f = ChannelFixture.Connected(
            "test-RTL10b",
            (c, msg) =>
            {
                if (msg.Action == ProtocolAction.Attach)
                {
                    c.Send(ProtocolFrame.Attached(msg.Channel!, attachSerial));
                }
            },
            channelOptions: new ChannelOptions { AttachOnSubscribe = false });
        var requests = f.AnswerHttp("[]");

        f.Scheduler.Await(f.Channel.AttachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        f.Scheduler.Await(f.Channel.HistoryAsync(untilAttach: true));

        Assert.That(requests[0].Query("fromSerial"), Is.EqualTo(attachSerial));
    }

    // UTS: realtime/unit/RTL10b/errors-when-not-attached-1
    [Test]
    public async Task RTL10b_UntilAttachErrorsWhenNotAttached()
    {
        await using var f = ChannelFixture.Connected("test-RTL10b-err", channelOptions: new ChannelOptions { AttachOnSubscribe = false });
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Initialized));

        var error = f.Scheduler.AwaitFailure(f.Channel.HistoryAsync(untilAttach: true));

        Assert.That(error, Is.InstanceOf<AblyException>());
    }
}
