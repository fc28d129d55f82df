using System.Reactive;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>
/// The delivery contract in virtual time: one order per channel across messages, presence events, state changes and
/// discontinuities (RTL7, RTL12, RTL2); lag, slow-consumer events and bounded subscriptions; immutable, shared
/// messages; typed streams with an explicit conversion failure policy.
/// </summary>
[TestFixture]
public sealed class ChannelDeliveryTests
{
    [Test]
    public async Task RTL12_Events_carry_messages_the_UPDATE_and_its_discontinuity_in_the_order_the_loop_saw_them()
    {
        await using var h = new ChannelHarness();
        var events = new List<ChannelNotification>();
        using var sub = h.Channel.Events().Subscribe(events.Add);
        h.Pump();
        h.Receive(h.Attached());
        h.Receive(h.MessageFrame("f1", "s1", new Message("a", "1"), new Message("b", "2")));

        // RTL12: an ATTACHED without RESUMED while attached: UPDATE, then a discontinuity, then more messages.
        h.Receive(h.Attached("serial-1"));
        h.Receive(h.MessageFrame("f2", "s2", new Message("c", "3")));

        var described = events.Select(Describe).ToList();
        Assert.That(described, Is.EqualTo(new[]
        {
            "state:Initialized", "state:Attaching", "state:Attached", "message:a", "message:b", "state:Update", "gap:Update", "message:c",
        }));
        Assert.That(events.Skip(1).Select(e => e.Sequence), Is.Ordered.Ascending.And.Unique, "numbered by the loop");
        Assert.That(events[0].Sequence, Is.Zero, "the current state of a channel that has not changed yet");
    }

    [Test]
    public async Task Per_kind_streams_are_projections_of_the_one_sequence()
    {
        await using var h = new ChannelHarness();
        var messages = new List<Message>();
        var gaps = new List<ChannelDiscontinuity>();
        var all = new List<ChannelNotification>();
        using var s1 = h.Channel.Messages().Subscribe(messages.Add);
        using var s2 = h.Channel.Discontinuities.Subscribe(gaps.Add);
        using var s3 = h.Channel.Events().Subscribe(all.Add);
        h.Pump();
        h.Receive(h.Attached());
        h.Receive(h.MessageFrame("f1", "s1", new Message("a", "1")));
        h.Receive(h.Attached("serial-1"));

        Assert.That(messages.Select(m => m.Name), Is.EqualTo(new[] { "a" }));
        Assert.That(gaps.Select(d => d.Kind), Is.EqualTo(new[] { DiscontinuityKind.Update }));
        Assert.That(all.OfType<MessageNotification>().Single().Message, Is.SameAs(messages[0]), "one instance per message");
        Assert.That(all.OfType<DiscontinuityNotification>().Single().Discontinuity, Is.SameAs(gaps[0]));
    }

    [Test]
    public async Task Presence_events_take_their_place_in_the_channel_order()
    {
        await using var h = new ChannelHarness();
        var all = new List<ChannelNotification>();
        using var sub = h.Channel.Events().Subscribe(all.Add);
        h.Pump();
        h.Receive(h.Attached());
        h.Receive(h.MessageFrame("f1", "s1", new Message("a", "1")));
        h.Receive(new ProtocolMessage(ProtocolAction.Presence, h.Name)
        {
            Id = "p1", ConnectionId = "c1", Timestamp = 1_700_000_000_000,
            Presence = [new PresenceMessage(PresenceAction.Enter, "alice") { ConnectionId = "c1" }],
        });
        h.Receive(h.MessageFrame("f2", "s2", new Message("b", "2")));

        Assert.That(all.Skip(3).Select(Describe), Is.EqualTo(new[] { "message:a", "presence:Enter", "message:b" }));
    }

    [Test]
    public async Task Two_subscribers_get_the_same_immutable_instance()
    {
        await using var h = new ChannelHarness();
        var first = new List<Message>();
        var second = new List<Message>();
        using var s1 = h.Channel.Messages().Subscribe(first.Add);
        using var s2 = h.Channel.Messages().Subscribe(second.Add);
        h.Pump();
        h.Receive(h.Attached());
        h.Receive(h.MessageFrame("f1", "s1", new Message("a", "1")));

        Assert.That(first.Single(), Is.SameAs(second.Single()));
        Assert.That(first[0].Id, Is.EqualTo("f1:0"), "TM2a filled before delivery");
        Assert.That(first[0].ConnectionId, Is.EqualTo("pub-conn"), "TM2c");
    }

    [TestCase(typeof(Message))]
    [TestCase(typeof(PresenceMessage))]
    public void Received_message_types_have_no_public_setters_only_init(Type type)
    {
        foreach (var property in type.GetProperties().Where(p => p.SetMethod is { IsPublic: true }))
        {
            var modifiers = property.SetMethod!.ReturnParameter.GetRequiredCustomModifiers();
            Assert.That(modifiers, Does.Contain(typeof(System.Runtime.CompilerServices.IsExternalInit)), $"{type.Name}.{property.Name} must be init-only");
        }

        Assert.That(type.GetMethod("<Clone>$"), Is.Not.Null, "a record: variations are made with 'with'");
    }

    [Test]
    public void A_message_to_publish_is_built_with_an_initializer_and_varied_with_with()
    {
        var original = new Message("order", "42") { ClientId = "alice" };
        var renamed = original with { Name = "order-v2" };
        Assert.That(renamed.Name, Is.EqualTo("order-v2"));
        Assert.That(original.Name, Is.EqualTo("order"), "the original is unchanged");
        Assert.That(renamed.ClientId, Is.EqualTo("alice"));
    }

    [Test]
    public async Task Lag_rises_while_the_subscriber_is_behind_and_returns_to_zero_with_slow_consumer_events()
    {
        var delivery = new TestScheduler();
        await using var h = new ChannelHarness(configure: o => o with { DeliveryScheduler = delivery });
        var received = new List<Message>();
        var options = new DeliveryOptions { SlowConsumerThreshold = 4, LagSampleInterval = TimeSpan.FromSeconds(1) };
        using var subscription = h.Channel.Messages().Subscribe(Observer.Create<Message>(received.Add), options);
        var slow = new List<SlowConsumerEvent>();
        using var slowSub = subscription.SlowConsumer.Subscribe(slow.Add);
        var lags = new List<SubscriptionLag>();
        using var lagSub = subscription.LagChanges.Subscribe(lags.Add);
        h.Pump();
        h.Receive(h.Attached());
        delivery.AdvanceBy(1);

        for (var i = 0; i < 6; i++)
        {
            h.Receive(h.MessageFrame("f" + i, "s" + i, new Message("m" + i, "x")));
            h.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.That(received, Is.Empty, "the delivery scheduler has not run: the subscriber is behind");
        Assert.That(subscription.Lag.Queued, Is.EqualTo(6));
        Assert.That(subscription.Lag.OldestAge, Is.InRange(TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(6.001)), "on the client's clock");
        Assert.That(lags.Select(l => l.Queued), Is.Ordered.Ascending, "sampled as it rises");
        Assert.That(lags.Max(l => l.Queued), Is.EqualTo(6));

        delivery.AdvanceBy(1000);
        h.Advance(TimeSpan.FromSeconds(1));
        delivery.AdvanceBy(1000);
        Assert.That(received, Has.Count.EqualTo(6));
        Assert.That(subscription.Lag, Is.EqualTo(SubscriptionLag.None));
        Assert.That(lags[^1], Is.EqualTo(SubscriptionLag.None), "the return to zero is reported");
        Assert.That(slow.Select(e => e.State), Is.EqualTo(new[] { SlowConsumerState.Slow, SlowConsumerState.Recovered }));
        Assert.That(slow[0].Lag.Queued, Is.EqualTo(4), "raised when the threshold is crossed");
        Assert.That(subscription.Delivered, Is.EqualTo(6));
    }

    [Test]
    public async Task A_bounded_subscription_with_the_Fail_policy_ends_with_80020_and_others_carry_on()
    {
        var delivery = new TestScheduler();
        await using var h = new ChannelHarness(configure: o => o with { DeliveryScheduler = delivery });
        Exception? error = null;
        var bounded = new List<Message>();
        var unbounded = new List<Message>();
        using var s1 = h.Channel.Messages().Subscribe(Observer.Create<Message>(bounded.Add, e => error = e), new DeliveryOptions { Capacity = 3 });
        using var s2 = h.Channel.Messages().Subscribe(unbounded.Add);
        h.Pump();
        h.Receive(h.Attached());
        for (var i = 0; i < 5; i++)
        {
            h.Receive(h.MessageFrame("f" + i, "s" + i, new Message("m" + i, "x")));
        }

        delivery.AdvanceBy(1000);
        Assert.That(error, Is.InstanceOf<AblyException>());
        Assert.That(((AblyException)error!).Code, Is.EqualTo(ErrorCodes.DeliveryRateExceeded));
        Assert.That(bounded, Is.Empty, "the failure is delivered at once: nothing is skipped silently");
        Assert.That(unbounded, Has.Count.EqualTo(5));
        Assert.That(h.H.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task A_bounded_DropOldest_subscription_reports_the_gap_in_its_place_naming_the_last_message_before_it()
    {
        var delivery = new TestScheduler();
        await using var h = new ChannelHarness(configure: o => o with { DeliveryScheduler = delivery });
        var all = new List<ChannelNotification>();
        var subscription = h.Channel.Events().Subscribe(Observer.Create<ChannelNotification>(all.Add), new DeliveryOptions { Capacity = 3, Overflow = OverflowPolicy.DropOldest });
        var slow = new List<SlowConsumerEvent>();
        using var slowSub = subscription.SlowConsumer.Subscribe(slow.Add);
        ChannelGapRepairTests.FallBehind(h, delivery);
        var tail = all.SkipWhile(e => e is not MessageNotification).Select(Describe).ToList();
        Assert.That(tail, Is.EqualTo(new[] { "message:m0", "gap:SlowConsumer", "message:m4", "message:m5", "message:m6" }));
        var gap = all.OfType<DiscontinuityNotification>().Single().Discontinuity;
        Assert.That(gap.LastDeliveredId, Is.EqualTo("f0:0"), "the point to read history from");
        Assert.That(gap.Reason?.Code, Is.EqualTo(ErrorCodes.DeliveryRateExceeded));
        Assert.That(subscription.Dropped, Is.EqualTo(3));
        Assert.That(slow.Where(e => e.State == SlowConsumerState.Dropped).Sum(e => e.Dropped), Is.EqualTo(3));
        subscription.Dispose();
    }

    [Test]
    public async Task Invalid_delivery_options_and_a_null_observer_are_rejected_with_40003()
    {
        await using var h = new ChannelHarness();
        var stream = h.Channel.Messages();
        Assert.That(Assert.Throws<AblyException>(() => stream.Subscribe(Observer.Create<Message>(_ => { }), new DeliveryOptions { Capacity = 0 }))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(Assert.Throws<AblyException>(() => stream.Subscribe(Observer.Create<Message>(_ => { }), new DeliveryOptions { SlowConsumerThreshold = 0 }))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(Assert.Throws<AblyException>(() => stream.Subscribe(null!, DeliveryOptions.Default))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    [Test]
    public async Task Typed_streams_need_no_null_check_and_follow_their_conversion_failure_policy()
    {
        await using var h = new ChannelHarness();
        var skipped = new List<Order>();
        var failing = new List<Order>();
        Exception? failure = null;
        using var s1 = h.Channel.Messages<Order>().Subscribe(skipped.Add);
        using var s2 = h.Channel.Messages<Order>(ConversionFailure.Fail).Subscribe(failing.Add, e => failure = e);
        var bigOrders = new List<int>();
        using var s3 = (from o in h.Channel.Messages<Order>("order") where o.Quantity >= 100 select o.Quantity).Subscribe(bigOrders.Add);
        h.Pump();
        h.Receive(h.Attached());
        h.Receive(h.MessageFrame("f1", "s1",
            new Message("order", "{\"Quantity\":150}"),
            new Message("order", null),
            new Message("order", "not json"),
            new Message("order", "{\"Quantity\":5}")));

        Assert.That(skipped.Select(o => o.Quantity), Is.EqualTo(new[] { 150, 5 }), "SkipAndReport: the others are skipped");
        Assert.That(h.Errors.OfType<AblyException>().Count(e => e.Code == ErrorCodes.InvalidMessageDataOrEncoding), Is.GreaterThanOrEqualTo(2), "and reported");
        Assert.That(failing.Select(o => o.Quantity), Is.EqualTo(new[] { 150 }));
        Assert.That((failure as AblyException)?.Code, Is.EqualTo(ErrorCodes.InvalidMessageDataOrEncoding), "Fail: the subscription ends at the first bad message");
        Assert.That(bigOrders, Is.EqualTo(new[] { 150 }));
    }

    private static string Describe(ChannelNotification n) => n switch
    {
        MessageNotification m => "message:" + m.Message.Name,
        StateChangeNotification s => "state:" + (s.Change.Event == ChannelEvent.Update ? "Update" : s.Change.Current.ToString()),
        DiscontinuityNotification d => "gap:" + d.Discontinuity.Kind,
        PresenceNotification p => "presence:" + p.Presence.Action,
        _ => throw new InvalidOperationException(),
    };

    private sealed record Order(int Quantity);
}
