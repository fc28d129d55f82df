using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>The channel's state and its publication (RTL2, RTL15b2, RTL12) as a component, on a virtual-time loop.</summary>
[TestFixture]
public sealed class ChannelStateTrackerTests
{
    private ChannelComponentsRig _rig = null!;

    [SetUp]
    public void SetUp() => _rig = new ChannelComponentsRig(connect: false, recoveredSerial: "s-1");

    [TearDown]
    public async Task TearDown() => await _rig.DisposeAsync();

    [Test]
    public void RTL2_a_change_is_published_in_the_feed_and_to_presence_and_a_same_state_move_publishes_nothing()
    {
        var presence = new RecordingPresence();
        _rig.Tracker.PresenceHandler = presence;
        var reason = new ErrorInfo(90007, 408, "slow");
        _rig.OnLoop(() =>
        {
            _rig.Tracker.Set(ChannelState.Attaching, null);
            _rig.Tracker.Set(ChannelState.Attaching, reason);
        });

        Assert.That(_rig.Changes.Select(c => (c.Previous, c.Current, c.Event)), Is.EqualTo(new[] { (ChannelState.Initialized, ChannelState.Attaching, ChannelEvent.Attaching) }));
        Assert.That(presence.Changes, Is.EqualTo(_rig.Changes));
        Assert.That((_rig.Tracker.Published, _rig.Tracker.State), Is.EqualTo((ChannelState.Attaching, ChannelState.Attaching)));
        Assert.That(_rig.Tracker.ErrorReason, Is.SameAs(reason), "a same-state move keeps its reason");
    }

    [Test]
    public void RTL2e_ATTACHED_clears_the_reason_and_RTL15b2_DETACHED_or_FAILED_clear_the_position()
    {
        _rig.OnLoop(() => _rig.Tracker.Set(ChannelState.Attaching, new ErrorInfo(90007, 408, "slow")));
        _rig.OnLoop(() => _rig.Tracker.Set(ChannelState.Attached, null, resumed: true, hasBacklog: true));
        Assert.That(_rig.Tracker.ErrorReason, Is.Null);
        Assert.That(_rig.Changes.Last().Resumed && _rig.Changes.Last().HasBacklog, Is.True);
        Assert.That(_rig.Position.ChannelSerial, Is.EqualTo("s-1"));

        _rig.OnLoop(() => _rig.Tracker.Set(ChannelState.Suspended, null));
        Assert.That(_rig.Position.ChannelSerial, Is.EqualTo("s-1"), "kept through SUSPENDED");
        _rig.OnLoop(() => _rig.Tracker.Set(ChannelState.Failed, new ErrorInfo(40160, 401, "denied")));
        Assert.That(_rig.Position.ChannelSerial, Is.Null);
        Assert.That(_rig.Tracker.ErrorReason!.Code, Is.EqualTo(40160));
    }

    [Test]
    public void RTL12_an_update_keeps_the_state_and_carries_its_reason()
    {
        _rig.OnLoop(() => _rig.Tracker.Set(ChannelState.Attached, null));
        _rig.OnLoop(() => _rig.Tracker.Update(new ErrorInfo(91004, 400, "re-entry failed"), resumed: true, hasBacklog: false));
        var update = _rig.Changes.Last();
        Assert.That((update.Previous, update.Current, update.Event, update.Reason?.Code), Is.EqualTo((ChannelState.Attached, ChannelState.Attached, ChannelEvent.Update, (int?)91004)));
        Assert.That(_rig.Tracker.ErrorReason!.Code, Is.EqualTo(91004));
    }

    private sealed class RecordingPresence : IChannelPresenceHandler
    {
        public List<ChannelStateChange> Changes { get; } = new();

        public void OnAttached(ProtocolMessage attached, bool reenter)
        {
        }

        public void OnPresenceFrame(ProtocolMessage message)
        {
        }

        public void OnChannelStateChanged(ChannelStateChange change) => Changes.Add(change);
    }
}
