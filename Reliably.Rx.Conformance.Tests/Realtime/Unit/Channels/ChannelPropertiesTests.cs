using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_properties.md (RTL15): attachSerial and channelSerial.</summary>
/// <remarks>
/// <c>channel.properties.attachSerial</c> and <c>.channelSerial</c> are <see cref="RealtimeChannel.AttachSerial"/> and
/// <see cref="RealtimeChannel.ChannelSerial"/>. The spec's RTL15b1 cases are named by RTL15b2, which replaced it in
/// 6.1.0: channelSerial is cleared on DETACHED and FAILED, and no longer on SUSPENDED.
/// </remarks>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_properties.md")]
public sealed class ChannelPropertiesTests
{
    /// <summary>ATTACH is answered with ATTACHED carrying <paramref name="channelSerial"/>; DETACH with DETACHED.</summary>
    private static Action<ScriptedConnection, ProtocolFrame> AttachedWithSerial(Func<string> channelSerial) =>
        (c, msg) =>
        {
            if (msg.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(msg.Channel!, channelSerial()));
            }
            else if (msg.Action == ProtocolAction.Detach)
            {
                c.Send(ProtocolFrame.Detached(msg.Channel!));
            }
        };

    /// <summary><c>AWAIT_STATE</c> on a value other than a state: advances until it holds.</summary>
    private static void AwaitCondition(TestScheduler scheduler, Func<bool> condition, string what) =>
        Assert.That(scheduler.AdvanceUntil(condition, Uts.DefaultLimit), Is.True, what);

    // UTS: realtime/unit/RTL15c/attach-serial-from-attached-0
    [Test]
    public async Task RTL15_RTL15c_AttachSerialIsUpdatedFromNonResumedAttachedMessage()
    {
        var attachCount = 0;
        var (scheduler, server) = ChannelMocks.AcceptingServer(AttachedWithSerial(() => "attach-serial-" + ++attachCount));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTL15c");
        Assert.That(channel.AttachSerial, Is.Null, "unset before connecting");

        scheduler.ConnectAndWait(client);
        scheduler.Await(channel.AttachAsync());
        Assert.That(channel.AttachSerial, Is.EqualTo("attach-serial-1"));

        scheduler.Await(channel.DetachAsync());
        scheduler.Await(channel.AttachAsync());
        Assert.That(channel.AttachSerial, Is.EqualTo("attach-serial-2"));
    }

    // UTS: realtime/unit/RTL15c/attach-serial-server-reattach-1
    [Test]
    public async Task RTL15c_AttachSerialUpdatedOnServerInitiatedNonResumedReattach()
    {
        await using var f = ChannelFixture.Attached("test-RTL15c-update", AttachedWithSerial(() => "initial-serial"));
        Assert.That(f.Channel.AttachSerial, Is.EqualTo("initial-serial"));

        // An unsolicited ATTACHED without RESUMED (an RTL12 update).
        f.Server.SendToClient(ProtocolFrame.Attached(f.Channel.Name, "updated-serial"));
        AwaitCondition(f.Scheduler, () => f.Channel.AttachSerial == "updated-serial", "attachSerial == updated-serial");

        Assert.That(f.Channel.AttachSerial, Is.EqualTo("updated-serial"));
    }

    // UTS: realtime/unit/RTL15c/attach-serial-not-updated-resumed-2
    [Test]
    [Divergence("Every ATTACHED set attachSerial, a resumed one too; only an ATTACHED whose resumed flag is false does now.")]
    public async Task RTL15c_AttachSerialNotUpdatedFromResumedAttachedMessage()
    {
        await using var f = ChannelFixture.Attached("test-RTL15c-resumed", AttachedWithSerial(() => "initial-serial"));
        Assert.That(f.Channel.AttachSerial, Is.EqualTo("initial-serial"));

        // An unsolicited ATTACHED with RESUMED: no loss of continuity.
        f.Server.SendToClient(ProtocolFrame.Attached(f.Channel.Name, "resumed-serial", Flags.Resumed));

        // RTL15b updates channelSerial whatever the flag, which shows the frame was processed.
        AwaitCondition(f.Scheduler, () => f.Channel.ChannelSerial == "resumed-serial", "channelSerial == resumed-serial");

        Assert.That(f.Channel.AttachSerial, Is.EqualTo("initial-serial"));
    }

    // UTS: realtime/unit/RTL15b/channel-serial-from-attached-0
    [Test]
    public async Task RTL15b_ChannelSerialUpdatedFromAttachedMessage()
    {
        var (scheduler, server) = ChannelMocks.AcceptingServer(AttachedWithSerial(() => "serial-001"));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTL15b-attached");
        Assert.That(channel.ChannelSerial, Is.Null, "unset before attach");

        scheduler.ConnectAndWait(client);
        scheduler.Await(channel.AttachAsync());

        Assert.That(channel.ChannelSerial, Is.EqualTo("serial-001"));
    }

    // UTS: realtime/unit/RTL15b/channel-serial-from-messages-1
    [Test]
    public async Task RTL15b_ChannelSerialUpdatedFromMessageAndPresenceActions()
    {
        await using var f = ChannelFixture.Attached("test-RTL15b-messages", AttachedWithSerial(() => "serial-001"));
        Assert.That(f.Channel.ChannelSerial, Is.EqualTo("serial-001"));

        f.Server.SendToClient(ProtocolFrame.Message(f.Channel.Name, "serial-002", ("event", "data")));
        AwaitCondition(f.Scheduler, () => f.Channel.ChannelSerial == "serial-002", "channelSerial == serial-002");
        f.Server.SendToClient(ChannelMocks.Frame(new JObject
        {
            ["action"] = (int)ProtocolAction.Presence,
            ["channel"] = f.Channel.Name,
            ["channelSerial"] = "serial-003",
        }));
        AwaitCondition(f.Scheduler, () => f.Channel.ChannelSerial == "serial-003", "channelSerial == serial-003");

        Assert.That(f.Channel.ChannelSerial, Is.EqualTo("serial-003"));
    }

    // UTS: realtime/unit/RTL15b/serial-not-updated-empty-2
    [Test]
    public async Task RTL15b_ChannelSerialNotUpdatedWhenFieldIsNotPopulated()
    {
        await using var f = ChannelFixture.Attached("test-RTL15b-noupdate", AttachedWithSerial(() => "serial-001"));
        Assert.That(f.Channel.ChannelSerial, Is.EqualTo("serial-001"));

        f.Server.SendToClient(ProtocolFrame.Message(f.Channel.Name, null, ("event", "data")));
        f.Scheduler.ProcessPendingEvents();

        Assert.That(f.Channel.ChannelSerial, Is.EqualTo("serial-001"), "unchanged");
    }

    // UTS: realtime/unit/RTL15b/serial-not-updated-irrelevant-3
    [Test]
    public async Task RTL15b_ChannelSerialNotUpdatedFromIrrelevantActions()
    {
        var attachCount = 0;
        await using var f = ChannelFixture.Attached("test-RTL15b-irrelevant", AttachedWithSerial(() =>
        {
            attachCount++;
            return "serial-001";
        }));
        Assert.That(f.Channel.ChannelSerial, Is.EqualTo("serial-001"));

        // A DETACHED carrying a channelSerial: RTL13a re-attaches, but the DETACHED itself must not set channelSerial
        // (RTL15b2 clears it on DETACHED; the new ATTACHED sets it afresh).
        f.Server.SendToClient(ChannelMocks.Frame(new JObject
        {
            ["action"] = (int)ProtocolAction.Detached,
            ["channel"] = f.Channel.Name,
            ["channelSerial"] = "serial-should-not-apply",
            ["error"] = new JObject { ["code"] = 90198, ["statusCode"] = 500, ["message"] = "Detached" },
        }));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attached);

        Assert.That(attachCount, Is.EqualTo(2));
        Assert.That(f.Channel.ChannelSerial, Is.EqualTo("serial-001"));
    }

    // UTS: realtime/unit/RTL15b1/serial-cleared-detached-0
    [Test]
    public async Task RTL15b2_ChannelSerialClearedOnDetachedState()
    {
        await using var f = ChannelFixture.Attached("test-RTL15b2-detached", AttachedWithSerial(() => "serial-001"));
        Assert.That(f.Channel.ChannelSerial, Is.EqualTo("serial-001"));

        f.Scheduler.Await(f.Channel.DetachAsync());

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Detached));
        Assert.That(f.Channel.ChannelSerial, Is.Null);
    }

    // UTS: realtime/unit/RTL15b1/serial-cleared-suspended-1
    [Test]
    [Ignore("UTS spec error: cites RTL15b1, replaced by RTL15b2 in 6.1.0, which says a channel entering SUSPENDED must not clear its channelSerial; the case asserts that it is cleared.")]
    public async Task RTL15b2_ChannelSerialClearedOnSuspendedState()
    {
        var attachCount = 0;
        await using var f = ChannelFixture.Attached(
            "test-RTL15b2-suspended",
            (c, msg) =>
            {
                if (msg.Action == ProtocolAction.Attach && ++attachCount == 1)
                {
                    // The re-attach is not answered: it times out to SUSPENDED.
                    c.Send(ProtocolFrame.Attached(msg.Channel!, "serial-001"));
                }
            },
            o => o with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(100) });
        Assert.That(f.Channel.ChannelSerial, Is.EqualTo("serial-001"));

        f.Server.SendToClient(ProtocolFrame.Detached(f.Channel.Name, new ErrorInfo(90198, 500, "Detached")));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Attaching);
        f.Scheduler.AdvanceTime(150);
        f.Scheduler.AwaitState(f.Channel, ChannelState.Suspended);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Suspended));
        Assert.That(f.Channel.ChannelSerial, Is.Null);
    }

    // UTS: realtime/unit/RTL15b1/serial-cleared-failed-2
    [Test]
    public async Task RTL15b2_ChannelSerialClearedOnFailedState()
    {
        await using var f = ChannelFixture.Attached("test-RTL15b2-failed", AttachedWithSerial(() => "serial-001"));
        Assert.That(f.Channel.ChannelSerial, Is.EqualTo("serial-001"));

        f.Server.SendToClient(ProtocolFrame.ErrorFrame(new ErrorInfo(40160, 401, "Not permitted"), f.Channel.Name));
        f.Scheduler.AwaitState(f.Channel, ChannelState.Failed);

        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(f.Channel.ChannelSerial, Is.Null);
    }
}
