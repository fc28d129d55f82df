using System.Reactive.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_when_state_test.md (RTL25): waiting for a channel state.</summary>
/// <remarks>
/// <c>channel.whenState(state)</c> is <see cref="RealtimeChannel.WaitForStateAsync"/>, which takes a timeout (on the
/// client's scheduler); the cases give it one far beyond their virtual time.
/// </remarks>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_when_state_test.md")]
public sealed class ChannelWhenStateTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    // UTS: realtime/unit/RTL25a/resolves-immediately-current-0
    [Test]
    [Adapted("WaitForStateAsync returns a non-nullable ChannelStateChange: when the channel is already in the state it completes at once with the change that entered it, instead of null.")]
    public async Task RTL25a_WhenStateResolvesImmediatelyIfAlreadyInState()
    {
        await using var f = ChannelFixture.Attached("test-RTL25a-immediate");

        var whenState = f.Channel.WaitForStateAsync(ChannelState.Attached, Long);
        f.Scheduler.ProcessPendingEvents();

        Assert.That(whenState.IsCompletedSuccessfully, Is.True, "resolved at once, without any virtual time passing");
        Assert.That(whenState.Result.Current, Is.EqualTo(ChannelState.Attached));
    }

    // UTS: realtime/unit/RTL25b/waits-for-state-change-0
    [Test]
    public async Task RTL25b_WhenStateWaitsForStateIfNotAlreadyInIt()
    {
        await using var f = ChannelFixture.Connected("test-RTL25b-deferred");

        var whenState = f.Channel.WaitForStateAsync(ChannelState.Attached, Long);
        f.Scheduler.Await(f.Channel.AttachAsync());
        var result = f.Scheduler.Await(whenState);

        Assert.That(result, Is.Not.Null);
        Assert.That(result.Current, Is.EqualTo(ChannelState.Attached));
        Assert.That(result.Previous, Is.AnyOf(ChannelState.Initialized, ChannelState.Attaching));
    }

    // UTS: realtime/unit/RTL25b/fires-once-only-1
    [Test]
    [Adapted("channel.once(attached, listener) is StateChanges filtered to ATTACHED entries, taking the first.")]
    public async Task RTL25b_WhenStateOnlyFiresOnce()
    {
        await using var f = ChannelFixture.Connected("test-RTL25b-once");
        var attachCount = 0;
        using var once = f.Channel.StateChanges.Skip(1).Where(c => c.Current == ChannelState.Attached && c.Event == ChannelEvent.Attached).Take(1).Subscribe(_ => attachCount++, _ => { });

        var whenState = f.Channel.WaitForStateAsync(ChannelState.Attached, Long);
        f.Scheduler.Await(f.Channel.AttachAsync());
        var result = f.Scheduler.Await(whenState);
        Assert.That(result, Is.Not.Null);
        Assert.That(attachCount, Is.EqualTo(1));
        f.Scheduler.Await(f.Channel.DetachAsync());
        f.Scheduler.Await(f.Channel.AttachAsync());
        f.Scheduler.AdvanceTime(50);

        Assert.That(attachCount, Is.EqualTo(1));
    }

    // UTS: realtime/unit/RTL25a/past-state-does-not-resolve-1
    [Test]
    public async Task RTL25a_WhenStateForPastStateDoesNotFire()
    {
        await using var f = ChannelFixture.Attached("test-RTL25a-past");
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));

        var whenState = f.Channel.WaitForStateAsync(ChannelState.Attaching, Long);
        f.Scheduler.AdvanceTime(200);

        Assert.That(whenState.IsCompleted, Is.False, "ATTACHING is a past state");
    }
}
