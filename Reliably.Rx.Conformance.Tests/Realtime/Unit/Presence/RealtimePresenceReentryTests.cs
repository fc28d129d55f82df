using System.Reactive.Linq;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;
using static Reliably.Rx.Conformance.Tests.Support.PresenceClients;
using static Reliably.Rx.Conformance.Tests.Support.PresenceFixtures;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Presence;

/// <summary>
/// uts/realtime/unit/presence/realtime_presence_reentry.md (RTP17): automatic re-entry of this connection's members when
/// the channel attaches again. The internal map fills from the server's echoes of this connection's presence.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/presence/realtime_presence_reentry.md")]
public sealed class RealtimePresenceReentryTests
{
    /// <summary>
    /// The mock of most cases: each attempt connects as <c>conn-N</c>; ATTACH answered with ATTACHED; PRESENCE captured,
    /// ACKed (or NACKed when <paramref name="nack"/> says so for that connection) and echoed with the connection's id.
    /// </summary>
    private static (TestScheduler Scheduler, ScriptedAbly Server, List<ProtocolFrame> Captured) EchoingServer(
        string channel, string defaultClientId, Func<int, bool>? nack = null, ProtocolFrame? connected = null)
    {
        var (scheduler, server) = Uts.Mock();
        var captured = new List<ProtocolFrame>();
        var connectionCount = 0;
        server.OnConnectionAttempt = c =>
        {
            connectionCount++;
            c.RespondWithSuccess(connected ?? ProtocolFrame.Connected($"conn-{connectionCount}", clientId: defaultClientId == "*" ? "*" : null));
        };
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(Attached(channel));
            }
            else if (msg.Action == ProtocolAction.Presence)
            {
                captured.Add(msg);
                if (nack?.Invoke(connectionCount) == true)
                {
                    c.Send(ProtocolFrame.Nack(msg.MsgSerial!.Value, 1, new ErrorInfo(40160, 401, "Presence denied")));
                    return;
                }

                c.Send(ProtocolFrame.Ack(msg.MsgSerial!.Value));
                var connectionId = $"conn-{connectionCount}";
                for (var idx = 0; idx < msg.Presence.Count; idx++)
                {
                    var p = msg.Presence[idx];
                    c.Send(PresenceFrom(channel, connectionId, Member(
                        (PresenceAction)p.Value<int>("action"),
                        p.Value<string>("clientId") ?? defaultClientId,
                        connectionId,
                        $"{connectionId}:{msg.MsgSerial}:{idx}",
                        scheduler.Now.ToUnixTimeMilliseconds(),
                        p.Value<string>("data"))));
                }
            }
        };
        return (scheduler, server, captured);
    }

    private static void DropAndReattach(TestScheduler scheduler, ScriptedAbly server, AblyRealtime client, RealtimeChannel channel)
    {
        using var states = client.Connection.RecordStates();
        server.LastConnection!.Drop();
        scheduler.AwaitRecorded(states, ConnectionState.Disconnected);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        scheduler.AwaitState(channel, ChannelState.Attached);
        scheduler.ProcessPendingEvents();
    }

    // UTS: realtime/unit/RTP17i/auto-reentry-on-attached-0
    [Test]
    public async Task RTP17i_AutomaticReentryOnAttached()
    {
        var name = ChannelName("test-RTP17i");
        var (scheduler, server, captured) = EchoingServer(name, "my-client");
        await using var client = server.Client("my-client");
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        scheduler.Await(channel.Presence.EnterAsync("hello"));
        Assert.That(captured, Has.Count.EqualTo(1));

        captured.Clear();
        DropAndReattach(scheduler, server, client, channel);

        Assert.That(captured, Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(captured.Any(m => m.Presence[0].Value<int>("action") == (int)PresenceAction.Enter), Is.True);
    }

    // UTS: realtime/unit/RTP17g/reentry-publishes-enter-with-data-0
    [Test]
    [Adapted("The spec's client is identified as \"admin\" and enters others with enterClient, which RTP15f forbids; the client is the wildcard identity instead (a token with clientId \"*\", as ClientOptions(clientId: \"*\") is rejected by RSA7c).")]
    public async Task RTP17g_ReentryPublishesEnterWithStoredClientIdAndData()
    {
        var name = ChannelName("test-RTP17g");
        var (scheduler, server, captured) = EchoingServer(name, "*");
        await using var client = server.WildcardClient();
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        scheduler.Await(channel.Presence.EnterClientAsync("alice", "alice-data"));
        scheduler.Await(channel.Presence.EnterClientAsync("bob", "bob-data"));
        Assert.That(captured, Has.Count.EqualTo(2));

        captured.Clear();
        DropAndReattach(scheduler, server, client, channel);

        var presenceItems = captured.Where(m => m.Action == ProtocolAction.Presence).SelectMany(m => m.Presence).ToList();
        Assert.That(presenceItems, Has.Count.GreaterThanOrEqualTo(2));
        var alice = presenceItems.FirstOrDefault(p => p.Value<string>("clientId") == "alice");
        var bob = presenceItems.FirstOrDefault(p => p.Value<string>("clientId") == "bob");
        Assert.That(alice, Is.Not.Null);
        Assert.That(alice!.Value<int>("action"), Is.EqualTo((int)PresenceAction.Enter));
        Assert.That(alice.Value<string>("data"), Is.EqualTo("alice-data"));
        Assert.That(bob, Is.Not.Null);
        Assert.That(bob!.Value<int>("action"), Is.EqualTo((int)PresenceAction.Enter));
        Assert.That(bob.Value<string>("data"), Is.EqualTo("bob-data"));
    }

    // UTS: realtime/unit/RTP17g1/reentry-omits-id-new-connid-0
    [Test]
    public async Task RTP17g1_ReentryOmitsIdWhenConnectionIdChanged()
    {
        var name = ChannelName("test-RTP17g1");
        var (scheduler, server, captured) = EchoingServer(name, "my-client");
        await using var client = server.Client("my-client");
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        scheduler.Await(channel.Presence.EnterAsync("hello"));
        Assert.That(server.Connections, Has.Count.EqualTo(1));

        captured.Clear();
        using var states = client.Connection.RecordStates();
        server.LastConnection!.Drop();
        scheduler.AwaitRecorded(states, ConnectionState.Disconnected);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        Assert.That(server.Connections, Has.Count.EqualTo(2));
        scheduler.AwaitState(channel, ChannelState.Attached);
        scheduler.ProcessPendingEvents();

        var reentry = captured.FirstOrDefault(m => m.Action == ProtocolAction.Presence);
        Assert.That(reentry, Is.Not.Null);
        var member = reentry!.Presence[0];
        Assert.That(member.Value<int>("action"), Is.EqualTo((int)PresenceAction.Enter));
        Assert.That(member["id"], Is.Null, "RTP17g1: no id when the connectionId changed");
        Assert.That(member.Value<string>("data"), Is.EqualTo("hello"));
    }

    // UTS: realtime/unit/RTP17i/no-reentry-with-resumed-flag-1
    [Test]
    public async Task RTP17i_NoReentryWhenAttachedWithResumedFlag()
    {
        var name = ChannelName("test-RTP17i-resumed");
        var (scheduler, server, captured) = EchoingServer(name, "my-client", connected: ProtocolFrame.Connected("conn-1", "key-1"));
        await using var client = server.Client("my-client");
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        scheduler.Await(channel.Presence.EnterAsync("hello"));
        captured.Clear();

        server.LastConnection!.Send(Attached(name, Resumed));
        scheduler.ProcessPendingEvents();

        Assert.That(captured, Is.Empty);
    }

    // UTS: realtime/unit/RTP17e/failed-reentry-emits-update-error-0
    [Test]
    public async Task RTP17e_FailedReentryEmitsUpdateWithError()
    {
        var name = ChannelName("test-RTP17e");
        var (scheduler, server, _) = EchoingServer(name, "my-client", nack: connection => connection > 1);
        await using var client = server.Client("my-client");
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        scheduler.Await(channel.Presence.EnterAsync("hello"));
        var channelEvents = new List<ChannelStateChange>();
        using var subscription = channel.StateChanges
            .Where(c => c.Event == ChannelEvent.Update && c.Reason?.Code == 91004)
            .Subscribe(channelEvents.Add);

        using var states = client.Connection.RecordStates();
        server.LastConnection!.Drop();
        scheduler.AwaitRecorded(states, ConnectionState.Disconnected);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        scheduler.AwaitState(channel, ChannelState.Attached);
        Assert.That(scheduler.AdvanceUntil(() => channelEvents.Count >= 1, Uts.DefaultLimit), Is.True, "no UPDATE with 91004");

        var update = channelEvents[0];
        Assert.That(update.Resumed, Is.True);
        Assert.That(update.Reason, Is.Not.Null);
        Assert.That(update.Reason!.Code, Is.EqualTo(91004));
        Assert.That(update.Reason.Message, Does.Contain("my-client"));
        Assert.That(update.Reason.Cause, Is.Not.Null);
        Assert.That(update.Reason.Cause!.Code, Is.EqualTo(40160));
    }

    // UTS: realtime/unit/RTP17a/server-publishes-without-subscribe-0
    [Test]
    public async Task RTP17a_ServerPublishesMemberRegardlessOfSubscribeCapability()
    {
        var name = ChannelName("test-RTP17a");
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("conn-1"));
        server.OnFrameFromClient = (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                // The presence mode but not the subscribe mode.
                c.Send(Attached(name, PresenceMode));
            }
            else if (msg.Action == ProtocolAction.Presence)
            {
                c.Send(ProtocolFrame.Ack(msg.MsgSerial!.Value));
                c.Send(PresenceEvents(name, Member(PresenceAction.Enter, "my-client", "conn-1", "conn-1:0:0", 1000)));
            }
        };
        await using var client = server.Client("my-client");
        var channel = client.Channels.Get(name);

        scheduler.ConnectAndAttach(client, channel);
        scheduler.Await(channel.Presence.EnterAsync());
        var members = scheduler.Await(channel.Presence.GetAsync(waitForSync: false));

        Assert.That(members, Has.Count.EqualTo(1));
        Assert.That(members[0].ClientId, Is.EqualTo("my-client"));
    }
}
