using System.Reactive;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Channels;
using Reliably.Rx.Testing;

namespace Reliably.Rx.Tests.Channels;

/// <summary>
/// A bounded subscription with <see cref="OverflowPolicy.DropOldest"/> on a channel with
/// <see cref="ChannelOptions.AutoBackfill"/>: the gap the bound cut is reported in its place and then filled from
/// history, so the subscriber still sees every message once, in order. Virtual time: the loop on the harness's
/// scheduler, deliveries on a second one, so the subscriber falls behind exactly when the test says.
/// </summary>
[TestFixture]
public sealed class ChannelGapRepairTests
{
    private static readonly DeliveryOptions Bounded = new() { Capacity = 3, Overflow = OverflowPolicy.DropOldest };

    private static Message M(int i) => new("m" + i, "x") { Id = $"f{i}:0" };

    [Test]
    public async Task A_DropOldest_gap_is_repaired_from_history_in_its_place()
    {
        var (h, delivery, requests, all) = await StartBehind();
        await using var owned = h;

        // The gap is reported at once, naming the last message delivered; its messages are being read back.
        Assert.That(Tail(all), Is.EqualTo(new[] { "message:m0", "gap:SlowConsumer" }));
        var gap = all.OfType<DiscontinuityNotification>().Single().Discontinuity;
        Assert.That(gap.Backfilling, Is.True);
        var request = requests.Single().Request;
        Assert.That((request.FromSerial, request.AnchorId, request.BoundId), Is.EqualTo(((string?)null, "f0:0", "f4:0")),
            "history from the newest message back to m0, leaving out m4 onwards, which are still queued");

        requests[0].Result.SetResult(new BackfillResult(new[] { M(1), M(2), M(3) }, Reached: true));
        delivery.AdvanceBy(1000);
        Assert.That(Tail(all), Is.EqualTo(new[] { "message:m0", "gap:SlowConsumer", "message:m1", "message:m2", "message:m3", "message:m4", "message:m5", "message:m6" }));
    }

    [Test]
    public async Task When_history_does_not_hold_the_first_queued_message_the_queued_copies_are_not_delivered_twice()
    {
        var (h, delivery, requests, all) = await StartBehind();
        await using var owned = h;

        // Without the bound, the fetch returns everything after the anchor: m4..m6 are also queued.
        requests[0].Result.SetResult(new BackfillResult(Enumerable.Range(1, 6).Select(M).ToList(), Reached: true));
        delivery.AdvanceBy(1000);
        Assert.That(Tail(all).Where(n => n.StartsWith("message:", StringComparison.Ordinal)), Is.EqualTo(Enumerable.Range(0, 7).Select(i => "message:m" + i)));

        // A later message with an id the repair delivered long ago is not a repeat: only the queued prefix is skipped.
        h.Receive(h.MessageFrame("f7", "s7", new Message("m7", "x")));
        delivery.AdvanceBy(1000);
        Assert.That(Tail(all).Last(), Is.EqualTo("message:m7"));
    }

    [Test]
    public async Task A_repair_that_cannot_reach_the_anchor_delivers_what_it_found_and_reports_BackfillIncomplete()
    {
        var (h, delivery, requests, all) = await StartBehind();
        await using var owned = h;
        var error = new ErrorInfo(50300, 503, "history unavailable");
        requests[0].Result.SetResult(new BackfillResult(new[] { M(2), M(3) }, Reached: false, error));
        delivery.AdvanceBy(1000);
        Assert.That(Tail(all), Is.EqualTo(new[] { "message:m0", "gap:SlowConsumer", "message:m2", "message:m3", "gap:BackfillIncomplete", "message:m4", "message:m5", "message:m6" }));
        var incomplete = all.OfType<DiscontinuityNotification>().Last().Discontinuity;
        Assert.That(incomplete.Reason, Is.EqualTo(error));
        Assert.That(incomplete.LastDeliveredId, Is.EqualTo("f3:0"));
    }

    [Test]
    public async Task A_failed_history_request_is_reported_with_the_servers_error()
    {
        var (h, delivery, requests, all) = await StartBehind();
        await using var owned = h;
        requests[0].Result.SetException(new AblyException(new ErrorInfo(40160, 401, "not permitted")));
        delivery.AdvanceBy(1000);
        Assert.That(Tail(all), Is.EqualTo(new[] { "message:m0", "gap:SlowConsumer", "gap:BackfillIncomplete", "message:m4", "message:m5", "message:m6" }));
        Assert.That(all.OfType<DiscontinuityNotification>().Last().Discontinuity.Reason?.Code, Is.EqualTo(40160));
    }

    [Test]
    public async Task A_named_subscription_receives_only_its_own_messages_from_the_repair()
    {
        var delivery = new TestScheduler();
        await using var h = new ChannelHarness(options: new ChannelOptions { AutoBackfill = true }, configure: o => o with { DeliveryScheduler = delivery });
        h.Channel.BackfillSource = _ => Task.FromResult(new BackfillResult(new[] { new Message("m", "x") { Id = "f1:0" }, new Message("other", "x") { Id = "o:0" }, new Message("m", "x") { Id = "f2:0" } }, Reached: true));
        var names = new List<string>();
        using var subscription = h.Channel.Messages("m").Subscribe(Observer.Create<Message>(m => names.Add(m.Id!)), new DeliveryOptions { Capacity = 1, Overflow = OverflowPolicy.DropOldest });
        h.Pump();
        h.Receive(h.Attached());
        h.Receive(h.MessageFrame("f0", "s0", new Message("m", "x")));
        delivery.AdvanceBy(1000);
        h.Receive(h.MessageFrame("f1", "s1", new Message("m", "x")));
        h.Receive(h.MessageFrame("f2", "s2", new Message("m", "x")));
        h.Receive(h.MessageFrame("f3", "s3", new Message("m", "x")));
        delivery.AdvanceBy(1000);
        delivery.AdvanceBy(1000);
        Assert.That(names, Is.EqualTo(new[] { "f0:0", "f1:0", "f2:0", "f3:0" }));
        Assert.That(subscription.Dropped, Is.EqualTo(2));
    }

    [Test]
    public async Task Without_AutoBackfill_the_gap_is_only_reported()
    {
        var delivery = new TestScheduler();
        await using var h = new ChannelHarness(configure: o => o with { DeliveryScheduler = delivery });
        var fetched = false;
        h.Channel.BackfillSource = _ => { fetched = true; return Task.FromResult(new BackfillResult(Array.Empty<Message>(), true)); };
        var all = new List<ChannelNotification>();
        using var subscription = h.Channel.Events().Subscribe(Observer.Create<ChannelNotification>(all.Add), Bounded);
        FallBehind(h, delivery);
        Assert.That(fetched, Is.False);
        Assert.That(all.OfType<DiscontinuityNotification>().Single().Discontinuity.Backfilling, Is.False);
        Assert.That(Tail(all), Is.EqualTo(new[] { "message:m0", "gap:SlowConsumer", "message:m4", "message:m5", "message:m6" }));
    }

    /// <summary>
    /// End to end on the in-memory Ably: a subscriber 5 messages deep falls 40 behind; the gaps are read back from the
    /// server's history and the subscriber sees all 41 messages once, in order.
    /// </summary>
    [Test]
    public async Task Against_the_in_memory_Ably_every_message_reaches_a_bounded_subscriber_once_in_order()
    {
        var scheduler = new TestScheduler();
        var delivery = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        await using var client = ably.CreateRealtime(o => o with { DeliveryScheduler = delivery });
        using var rest = ably.CreateRest();
        var channel = client.Channels.Get("ticks", new ChannelOptions { AutoBackfill = true });
        var received = new List<string>();
        var gaps = new List<ChannelDiscontinuity>();
        using var subscription = channel.Events().Subscribe(
            Observer.Create<ChannelNotification>(n =>
            {
                switch (n)
                {
                    case MessageNotification m: received.Add(m.Message.Name!); break;
                    case DiscontinuityNotification d: gaps.Add(d.Discontinuity); break;
                }
            }),
            new DeliveryOptions { Capacity = 5, Overflow = OverflowPolicy.DropOldest });
        var attach = channel.AttachAsync();
        for (var i = 0; i < 200 && !attach.IsCompleted; i++)
        {
            scheduler.AdvanceBy(TimeSpan.FromMilliseconds(100).Ticks);
            delivery.AdvanceBy(1000);
        }

        await attach;
        var publisher = rest.Channels.Get("ticks");
        scheduler.AdvanceUntilCompleted(publisher.PublishAsync("t0", "x"), TimeSpan.FromMinutes(1));
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        delivery.AdvanceBy(1000);
        for (var i = 1; i <= 40; i++)
        {
            scheduler.AdvanceUntilCompleted(publisher.PublishAsync("t" + i, "x"), TimeSpan.FromMinutes(1));
        }

        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        for (var round = 0; round < 20 && received.Count < 41; round++)
        {
            delivery.AdvanceBy(1000);
            scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        }

        Assert.That(subscription.Dropped, Is.EqualTo(35), "the bound held");
        Assert.That(received, Is.EqualTo(Enumerable.Range(0, 41).Select(i => "t" + i)));
        Assert.That(gaps.Select(g => (g.Kind, g.Backfilling)), Is.EqualTo(new[] { (DiscontinuityKind.SlowConsumer, true) }));
    }

    private static async Task<(ChannelHarness H, TestScheduler Delivery, List<(BackfillRequest Request, TaskCompletionSource<BackfillResult> Result)> Requests, List<ChannelNotification> All)> StartBehind()
    {
        var delivery = new TestScheduler();
        var h = new ChannelHarness(options: new ChannelOptions { AutoBackfill = true }, configure: o => o with { DeliveryScheduler = delivery });
        var requests = new List<(BackfillRequest, TaskCompletionSource<BackfillResult>)>();
        h.Channel.BackfillSource = request =>
        {
            // Synchronous continuations: completing the result on the test thread queues the drain on the delivery scheduler.
            var result = new TaskCompletionSource<BackfillResult>();
            requests.Add((request, result));
            return result.Task;
        };
        var all = new List<ChannelNotification>();
        h.Channel.Events().Subscribe(Observer.Create<ChannelNotification>(all.Add), Bounded);
        FallBehind(h, delivery);
        await Task.CompletedTask;
        return (h, delivery, requests, all);
    }

    /// <summary>m0 is delivered; m1..m6 arrive while the subscriber takes nothing, so m1..m3 are dropped.</summary>
    internal static void FallBehind(ChannelHarness h, TestScheduler delivery)
    {
        h.Pump();
        h.Receive(h.Attached());
        delivery.AdvanceBy(1000);
        h.Receive(h.MessageFrame("f0", "s0", new Message("m0", "x")));
        delivery.AdvanceBy(1000);
        for (var i = 1; i <= 6; i++)
        {
            h.Receive(h.MessageFrame("f" + i, "s" + i, new Message("m" + i, "x")));
        }

        delivery.AdvanceBy(1000);
    }

    private static List<string> Tail(List<ChannelNotification> all) =>
        all.SkipWhile(e => e is not MessageNotification).Select(n => n switch
        {
            MessageNotification m => "message:" + m.Message.Name,
            DiscontinuityNotification d => "gap:" + d.Discontinuity.Kind,
            StateChangeNotification s => "state:" + s.Change.Current,
            _ => n.Kind.ToString(),
        }).ToList();
}
