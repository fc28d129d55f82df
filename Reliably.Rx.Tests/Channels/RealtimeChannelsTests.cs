using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>The channel collection (RTS2, RTS3, RTS4) and use after release or dispose.</summary>
[TestFixture]
public sealed class RealtimeChannelsTests
{
    [Test]
    public async Task RTS3a_Get_returns_one_instance_per_name_and_enumerates()
    {
        await using var c = new ChannelHarness();
        var channels = c.H.Client.Channels;
        Assert.That(channels.Get("chat"), Is.SameAs(c.Channel));
        Assert.That(channels["chat"], Is.SameAs(c.Channel));
        var other = channels.Get("other");
        Assert.That(channels.Select(ch => ch.Name), Is.EquivalentTo(new[] { "chat", "other" }));
        Assert.That(channels.Exists("other"), Is.True);
        Assert.That(other, Is.Not.SameAs(c.Channel));
    }

    [TestCase("")]
    [TestCase(" ")]
    [TestCase("[unclosed")]
    [TestCase("bad\u0001name")]
    public async Task Invalid_channel_names_fail_with_40010(string name)
    {
        await using var c = new ChannelHarness();
        var ex = Assert.Throws<AblyException>(() => c.H.Client.Channels.Get(name));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidChannelName));
    }

    [Test]
    public async Task RTS4_release_detaches_removes_and_completes_the_streams_and_the_instance_becomes_unusable()
    {
        await using var c = new ChannelHarness();
        var messagesCompleted = false;
        var statesCompleted = false;
        using var s1 = c.Channel.Messages().Subscribe(_ => { }, () => messagesCompleted = true);
        using var s2 = c.Channel.StateChanges.Subscribe(_ => { }, () => statesCompleted = true);
        c.Pump();
        c.Receive(c.Attached());
        var release = c.H.Client.Channels.ReleaseAsync("chat");
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Detach).Count(), Is.EqualTo(1));
        c.Receive(c.Detached());
        Assert.That(await release.WaitAsync(TimeSpan.FromSeconds(5)), Is.True);
        c.Pump();
        Assert.That(messagesCompleted && statesCompleted, Is.True);
        Assert.That(c.H.Client.Channels.Exists("chat"), Is.False);
        Assert.That(Assert.ThrowsAsync<AblyException>(() => c.Channel.PublishAsync("n", "d"))!.Code, Is.EqualTo(ErrorCodes.ChannelOperationFailedInvalidState));
        Assert.That(Assert.ThrowsAsync<AblyException>(() => c.Channel.AttachAsync())!.Code, Is.EqualTo(ErrorCodes.ChannelOperationFailedInvalidState));

        // Frames for the released name are no longer dispatched to it; a new Get is a new instance.
        var again = c.H.Client.Channels.Get("chat");
        Assert.That(again, Is.Not.SameAs(c.Channel));
        Assert.That(again.State, Is.EqualTo(ChannelState.Initialized));
        Assert.That(await c.H.Client.Channels.ReleaseAsync("missing"), Is.False);
    }

    [Test]
    public async Task RTS4a_a_release_ends_in_the_loop_turn_of_the_DETACHED_so_virtual_time_decides_when()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var release = c.H.Client.Channels.ReleaseAsync("chat");
        c.Pump();
        Assert.That(c.H.Client.Channels.Exists("chat"), Is.True, "still there while the DETACH is unanswered");
        Assert.That(release.IsCompleted, Is.False);

        c.Receive(c.Detached());

        // No await and no wall-clock wait: the turn that handled DETACHED removed the channel.
        Assert.That(c.H.Client.Channels.Exists("chat"), Is.False);
        Assert.That(await release.WaitAsync(TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Detached));
    }

    [Test]
    public async Task RTS4a_releasing_a_channel_that_needs_no_detach_ends_in_the_turn_that_runs_it()
    {
        await using var c = new ChannelHarness();
        var release = c.H.Client.Channels.ReleaseAsync("chat");
        Assert.That(c.H.Client.Channels.Exists("chat"), Is.True, "nothing happens before the loop runs");
        c.Pump(1);
        Assert.That(c.H.Client.Channels.Exists("chat"), Is.False);
        Assert.That(await release.WaitAsync(TimeSpan.FromSeconds(5)), Is.True);
        Assert.That(c.Sent(ProtocolAction.Detach), Is.Empty);
    }

    [Test]
    public async Task Disposing_the_client_completes_channel_streams_and_Get_fails_with_80017()
    {
        var c = new ChannelHarness();
        var completed = false;
        using var s = c.Channel.Messages().Subscribe(_ => { }, () => completed = true);
        c.Pump();
        await c.DisposeAsync();
        c.Pump();
        Assert.That(completed, Is.True);
        Assert.That(Assert.Throws<AblyException>(() => c.H.Client.Channels.Get("x"))!.Code, Is.EqualTo(ErrorCodes.ConnectionClosed));
        Assert.That(Assert.ThrowsAsync<AblyException>(() => c.Channel.PublishAsync("n", "d"))!.Code, Is.EqualTo(ErrorCodes.ConnectionClosed));
    }

    [Test]
    public async Task RTL10b_history_untilAttach_requires_an_attached_channel()
    {
        await using var c = new ChannelHarness();
        var ex = Assert.ThrowsAsync<AblyException>(() => c.Channel.HistoryAsync(untilAttach: true));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.ChannelOperationFailedInvalidState));
    }
}
