using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>
/// RTL4i with RTL6c2: operations issued while the connection is connecting reach the server in the order the
/// application issued them, the implicit attach of a subscription (RTL7g) included, so the README's first snippet works.
/// </summary>
[TestFixture]
public sealed class QueuedOperationOrderTests
{
    [Test]
    public async Task RTL4i_RTL7g_subscribe_then_publish_while_connecting_sends_ATTACH_before_the_MESSAGE()
    {
        await using var h = new ChannelHarness(connect: false);
        using var sub = h.Subscribe();
        var publish = h.Channel.PublishAsync("tick", "ACME 101.25");
        h.H.Connection.Connect();
        h.Pump();
        h.Transport = h.H.Transport;
        h.Transport.Connected(details: ChannelHarness.QuietDetails);
        h.Pump();

        Assert.That(Wire(h), Is.EqualTo(new[] { "ATTACH", "MESSAGE" }));
        Assert.That(publish.IsCompleted, Is.False);
    }

    [Test]
    public async Task RTL6c2_publish_then_subscribe_while_connecting_keeps_that_order_too()
    {
        await using var h = new ChannelHarness(connect: false);
        _ = h.Channel.PublishAsync("tick", "first");
        using var sub = h.Subscribe();
        _ = h.Channel.PublishAsync("tick", "second");
        h.H.Connection.Connect();
        h.Pump();
        h.Transport = h.H.Transport;
        h.Transport.Connected(details: ChannelHarness.QuietDetails);
        h.Pump();

        Assert.That(Wire(h), Is.EqualTo(new[] { "MESSAGE", "ATTACH", "MESSAGE" }));
    }

    [Test]
    public async Task RTL3d_re_attaches_of_a_reconnection_follow_what_was_queued_while_disconnected()
    {
        await using var h = new ChannelHarness();
        await h.AttachNow();
        h.Transport.Drop();
        h.Pump();
        _ = h.Channel.PublishAsync("tick", "queued");
        h.Pump();
        h.Transport = h.H.Transport;
        h.Transport.Connected(details: ChannelHarness.QuietDetails);
        h.Pump();

        Assert.That(Wire(h), Is.EqualTo(new[] { "MESSAGE", "ATTACH" }), "the application's publish first, then the re-attach CONNECTED starts");
    }

    [Test]
    public async Task RTL5l_an_attach_superseded_by_a_detach_while_connecting_sends_nothing()
    {
        await using var h = new ChannelHarness(connect: false);
        _ = h.Channel.AttachAsync();
        h.Pump();
        _ = h.Channel.DetachAsync();
        h.Pump();
        h.H.Connection.Connect();
        h.Pump();
        h.Transport = h.H.Transport;
        h.Transport.Connected(details: ChannelHarness.QuietDetails);
        h.Pump();

        Assert.That(Wire(h), Is.Empty);
        Assert.That(h.Channel.State, Is.EqualTo(ChannelState.Detached));
    }

    private static List<string> Wire(ChannelHarness h) =>
        h.Transport.Sent.Where(f => f.Channel == h.Name && f.Action is ProtocolAction.Attach or ProtocolAction.Message)
            .Select(f => f.Action.ToString().ToUpperInvariant())
            .ToList();
}
