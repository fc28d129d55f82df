using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>channel_publish.md, the publishes refused at once: connection or channel in a state that cannot publish (RTL6c4), or not connected without queueing (RTL6c2).</summary>
public sealed partial class ChannelPublishTests
{
    // UTS: realtime/unit/RTL6c4/fails-conn-suspended-0
    [Test]
    public async Task RTL6c4_PublishFailsWhenConnectionIsSuspended()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.Refuse();
        await using var client = server.CreateRealtime(o => o with
        {
            AutoConnect = false,
            DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(1000),
            ConnectionStateTtl = TimeSpan.FromMilliseconds(5000),
        });
        var channel = client.Channels.Get("test-RTL6c4-suspended", NoAttachOnSubscribe);

        client.Connection.Connect();
        for (var i = 0; i < 15 && client.Connection.State != ConnectionState.Suspended; i++)
        {
            scheduler.AdvanceTime(2000);
        }

        scheduler.AwaitState(client.Connection, ConnectionState.Suspended);
        var error = scheduler.AwaitFailure(channel.PublishAsync("fail", "should-error"));

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Code, Is.Not.Zero);
    }

    // UTS: realtime/unit/RTL6c4/fails-conn-closed-1
    [Test]
    public async Task RTL6c4_PublishFailsWhenConnectionIsClosed()
    {
        await using var f = Connected("test-RTL6c4-closed", (_, _) => { });

        f.Scheduler.Await(f.Client.Connection.CloseAsync());
        Assert.That(f.Client.Connection.State, Is.EqualTo(ConnectionState.Closed));
        var error = f.Scheduler.AwaitFailure(f.Channel.PublishAsync("fail", "should-error"));

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Code, Is.Not.Zero);
    }

    // UTS: realtime/unit/RTL6c4/fails-conn-failed-2
    [Test]
    public async Task RTL6c4_PublishFailsWhenConnectionIsFailed()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithError(ProtocolFrame.Parse("""{"action":9,"error":{"code":80000,"message":"Fatal error"}}"""), thenClose: true);
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTL6c4-failed", NoAttachOnSubscribe);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Failed);
        var error = scheduler.AwaitFailure(channel.PublishAsync("fail", "should-error"));

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Code, Is.Not.Zero);
    }

    // UTS: realtime/unit/RTL6c4/fails-channel-suspended-3
    [Test]
    public async Task RTL6c4_PublishFailsWhenChannelIsSuspended()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Connected(
            "test-RTL6c4-ch-suspended",
            (_, msg) =>
            {
                // ATTACH is not answered: it times out to SUSPENDED.
                if (msg.Action == ProtocolAction.Message)
                {
                    captured.Add(msg);
                }
            },
            o => o with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(100) });

        var attach = f.Channel.AttachAsync();
        f.Scheduler.AdvanceTime(150);
        f.Scheduler.AwaitFailure(attach);
        f.Scheduler.AwaitState(f.Channel, ChannelState.Suspended);
        var error = f.Scheduler.AwaitFailure(f.Channel.PublishAsync("fail", "should-error"));

        Assert.That(error, Is.Not.Null);
        Assert.That(captured, Is.Empty, "no MESSAGE sent");
    }

    // UTS: realtime/unit/RTL6c4/fails-channel-failed-4
    [Test]
    public async Task RTL6c4_PublishFailsWhenChannelIsFailed()
    {
        var captured = new List<ProtocolFrame>();
        await using var f = Connected("test-RTL6c4-ch-failed", (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.ErrorFrame(new ErrorInfo(40160, 401, "Not permitted"), msg.Channel));
            }
            else if (msg.Action == ProtocolAction.Message)
            {
                captured.Add(msg);
            }
        });

        f.Scheduler.AwaitFailure(f.Channel.AttachAsync());
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed));
        var error = f.Scheduler.AwaitFailure(f.Channel.PublishAsync("fail", "should-error"));

        Assert.That(error, Is.Not.Null);
        Assert.That(captured, Is.Empty, "no MESSAGE sent");
    }

    // UTS: realtime/unit/RTL6c2/fails-no-queue-messages-3
    [Test]
    public async Task RTL6c2_PublishFailsWhenQueueMessagesIsFalseAndConnectionNotConnected()
    {
        var (scheduler, _, client, channel) = Unanswered("test-RTL6c2-noqueue", [], o => o with { QueueMessages = false });
        await using var owned = client;

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting);
        var error = scheduler.AwaitFailure(channel.PublishAsync("fail", "should-error"));

        Assert.That(error, Is.Not.Null);
        Assert.That(error.Code, Is.Not.Zero);
    }
}
