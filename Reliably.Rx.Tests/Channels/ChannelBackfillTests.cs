using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>
/// AutoBackfill in virtual time, with the history fetch replaced by the test: holding live delivery, de-duplication
/// against delivered and held messages, order, superseded fetches, incomplete gaps and abandoned backfills.
/// </summary>
[TestFixture]
public sealed class ChannelBackfillTests
{
    private static Message M(int i) => new("m" + i, "d" + i) { Id = "id-" + i, Serial = "s-" + i.ToString("D4") };

    [Test]
    public async Task Missed_messages_are_delivered_in_order_before_the_held_live_ones_without_duplicates()
    {
        var (c, requests) = await Start();
        await using var owned = c;
        Deliver(c, 1, 2, 3);

        c.Receive(c.Attached("attach-2"));
        var d = c.Discontinuities.Single();
        Assert.That(d.Kind, Is.EqualTo(DiscontinuityKind.Update));
        Assert.That(d.Backfilling, Is.True);
        Assert.That(d.LastDeliveredId, Is.EqualTo("id-3"));
        Assert.That(requests.Single().Request, Is.EqualTo(new BackfillRequest("attach-2", "id-3", "s-0003")));

        // Live messages while the history request runs are held.
        Deliver(c, 6, 7);
        Assert.That(Names(c), Is.EqualTo(new[] { "m1", "m2", "m3" }));

        // History up to now: 4, 5 missed, 6 also held (de-duplicated).
        requests[0].Result.SetResult(new BackfillResult(new[] { M(4), M(5), M(6) }, Reached: true));
        c.Pump();
        Assert.That(Names(c), Is.EqualTo(new[] { "m1", "m2", "m3", "m4", "m5", "m6", "m7" }));
        Assert.That(c.Channel.BackfilledMessages, Is.EqualTo(3));

        // Live delivery resumes.
        Deliver(c, 8);
        Assert.That(Names(c).Last(), Is.EqualTo("m8"));
        Assert.That(c.Discontinuities, Has.Count.EqualTo(1), "the gap was closed");
    }

    [Test]
    public async Task RTL15c_RTL10b_a_gap_before_any_delivery_is_filled_from_the_attachSerial_the_stream_began_at()
    {
        var (c, requests) = await Start();
        await using var owned = c;

        // Nothing delivered yet, then a re-attach that did not resume: the gap starts at the first attachment.
        c.Receive(c.Attached("attach-2"));
        var d = c.Discontinuities.Single();
        Assert.That(d.Backfilling, Is.True, "no delivered message, but the first attachSerial bounds the gap");
        Assert.That(d.LastDeliveredId, Is.Null);
        Assert.That(requests.Single().Request, Is.EqualTo(new BackfillRequest("attach-2", null, null, FloorSerial: "attach-1")));

        Deliver(c, 6);
        requests[0].Result.SetResult(new BackfillResult(new[] { M(4), M(5) }, Reached: true));
        c.Pump();
        Assert.That(Names(c), Is.EqualTo(new[] { "m4", "m5", "m6" }));

        // Once something was delivered, it is the anchor again, and a second re-attach does not look past it.
        c.Receive(c.Attached("attach-3"));
        Assert.That(requests[1].Request, Is.EqualTo(new BackfillRequest("attach-3", "id-6", "s-0006")));
        Assert.That(c.Discontinuities.Count(x => x.Kind == DiscontinuityKind.BackfillIncomplete), Is.Zero);
    }

    [Test]
    public async Task A_gap_larger_than_the_recent_keys_still_delivers_each_held_message_once()
    {
        // After a server restart history cannot reach the anchor, and the whole new history comes back: more messages
        // than the recent keys keep, with the held live ones early among them.
        var (c, requests) = await Start();
        await using var owned = c;
        Deliver(c, 1);
        c.Receive(c.Attached("attach-2"));
        Deliver(c, 2, 3, 4);
        requests[0].Result.SetResult(new BackfillResult(Enumerable.Range(2, 25_000).Select(M).ToList(), Reached: false));
        c.Pump(hops: 500);

        Assert.That(Names(c), Is.EqualTo(Enumerable.Range(1, 25_001).Select(i => "m" + i)), "once each, in order");
        Assert.That(c.Discontinuities.Last().Kind, Is.EqualTo(DiscontinuityKind.BackfillIncomplete));
    }

    [Test]
    public async Task An_incomplete_gap_delivers_what_was_found_and_reports_BackfillIncomplete()
    {
        var (c, requests) = await Start();
        await using var owned = c;
        Deliver(c, 1);
        c.Receive(c.Attached("attach-2"));
        Deliver(c, 9);
        var error = new ErrorInfo(50300, 503, "history unavailable");
        requests[0].Result.SetResult(new BackfillResult(new[] { M(7), M(8) }, Reached: false, error));
        c.Pump();
        Assert.That(Names(c), Is.EqualTo(new[] { "m1", "m7", "m8", "m9" }));
        var incomplete = c.Discontinuities.Last();
        Assert.That(incomplete.Kind, Is.EqualTo(DiscontinuityKind.BackfillIncomplete));
        Assert.That(incomplete.Reason, Is.EqualTo(error));
        Assert.That(incomplete.LastDeliveredId, Is.EqualTo("id-9"));
    }

    [Test]
    public async Task A_failed_history_request_is_reported_and_the_held_messages_are_delivered()
    {
        var (c, requests) = await Start();
        await using var owned = c;
        Deliver(c, 1);
        c.Receive(c.Attached("attach-2"));
        Deliver(c, 5);
        requests[0].Result.SetException(new AblyException(40160, 401, "no history capability"));
        c.Pump();
        Assert.That(Names(c), Is.EqualTo(new[] { "m1", "m5" }));
        Assert.That(c.Discontinuities.Last().Kind, Is.EqualTo(DiscontinuityKind.BackfillIncomplete));
        Assert.That(c.Discontinuities.Last().Reason?.Code, Is.EqualTo(40160));
    }

    [Test]
    public async Task A_second_discontinuity_supersedes_the_running_fetch_and_keeps_the_held_messages()
    {
        var (c, requests) = await Start();
        await using var owned = c;
        Deliver(c, 1);
        c.Receive(c.Attached("attach-2"));
        Deliver(c, 4);
        c.Receive(c.Attached("attach-3"));
        Deliver(c, 6);
        Assert.That(requests.Select(r => r.Request.FromSerial), Is.EqualTo(new[] { "attach-2", "attach-3" }));
        Assert.That(requests[1].Request.AnchorId, Is.EqualTo("id-1"), "the anchor is still the last delivered message");

        requests[0].Result.SetResult(new BackfillResult(new[] { M(2), M(3) }, Reached: true));
        c.Pump();
        Assert.That(Names(c), Is.EqualTo(new[] { "m1" }), "the superseded result is ignored");

        requests[1].Result.SetResult(new BackfillResult(new[] { M(2), M(3), M(4), M(5) }, Reached: true));
        c.Pump();
        Assert.That(Names(c), Is.EqualTo(new[] { "m1", "m2", "m3", "m4", "m5", "m6" }));
    }

    [Test]
    public async Task RTL15c_messages_held_before_a_second_discontinuity_that_history_lost_come_before_what_history_returns()
    {
        // A server restart while a backfill runs: the live messages held so far were published before the restart, and
        // the newer fetch reads only the restarted channel's history, which no longer has them. They precede every
        // message history returns, so they are delivered first; the loss is reported.
        var (c, requests) = await Start();
        await using var owned = c;
        Deliver(c, 1);
        c.Receive(c.Attached("attach-2"));
        Deliver(c, 4, 5);
        c.Receive(c.Attached("attach-3"));
        Deliver(c, 102);
        requests[1].Result.SetResult(new BackfillResult(new[] { M(100), M(101), M(102) }, Reached: false));
        c.Pump();

        Assert.That(Names(c), Is.EqualTo(new[] { "m1", "m4", "m5", "m100", "m101", "m102" }), "in publish order, once each");
        Assert.That(c.Discontinuities.Last().Kind, Is.EqualTo(DiscontinuityKind.BackfillIncomplete));
    }

    [Test]
    public async Task Messages_held_before_a_second_discontinuity_that_history_returns_are_delivered_once_in_history_order()
    {
        var (c, requests) = await Start();
        await using var owned = c;
        Deliver(c, 1);
        c.Receive(c.Attached("attach-2"));
        Deliver(c, 4, 5);
        c.Receive(c.Attached("attach-3"));
        Deliver(c, 8);
        requests[1].Result.SetResult(new BackfillResult(new[] { M(2), M(3), M(4), M(5), M(6), M(7) }, Reached: true));
        c.Pump();

        Assert.That(Names(c), Is.EqualTo(Enumerable.Range(1, 8).Select(i => "m" + i)));
        Assert.That(c.Discontinuities.Count(x => x.Kind == DiscontinuityKind.BackfillIncomplete), Is.Zero);
    }

    [Test]
    public async Task RTAN4b_annotations_that_arrive_during_a_backfill_wait_in_their_place_among_the_held_messages()
    {
        var (c, requests) = await Start();
        await using var owned = c;
        var events = new List<string>();
        using var all = c.Channel.Events().Subscribe(n => events.Add(n switch
        {
            MessageNotification m => m.Message.Name!,
            AnnotationNotification a => "a:" + a.Annotation.Name,
            _ => string.Empty,
        }));
        Deliver(c, 1);
        c.Receive(c.Attached("attach-2"));

        // While history is read: an annotation, a live message, another annotation.
        Annotate(c, "before-m4");
        Deliver(c, 4);
        Annotate(c, "after-m4");
        Assert.That(events.Where(e => e.Length > 0), Is.EqualTo(new[] { "m1" }), "held with the live messages");

        requests[0].Result.SetResult(new BackfillResult(new[] { M(2), M(3) }, Reached: true));
        c.Pump();
        Assert.That(events.Where(e => e.Length > 0), Is.EqualTo(new[] { "m1", "m2", "m3", "a:before-m4", "m4", "a:after-m4" }));

        // Live delivery resumes, annotations included.
        Annotate(c, "live");
        Assert.That(events.Last(), Is.EqualTo("a:live"));
    }

    private static void Annotate(ChannelHarness c, string name)
    {
        var annotation = new Annotation { Type = "reaction:distinct.v1", Name = name, MessageSerial = "s-0001", ClientId = "alice", Action = AnnotationAction.Create };
        c.Receive(new ProtocolMessage(ProtocolAction.Annotation, c.Name)
        {
            Id = "an-" + name, ConnectionId = "pub-conn", Timestamp = 1_700_000_000_000,
            Annotations = [Reliably.Rx.PayloadEncoding.AnnotationWire.Encode(annotation)],
        });
    }

    [Test]
    public async Task Detaching_during_a_backfill_delivers_the_held_messages_and_reports_the_gap()
    {
        var (c, requests) = await Start();
        await using var owned = c;
        Deliver(c, 1);
        c.Receive(c.Attached("attach-2"));
        Deliver(c, 4);
        _ = c.Channel.DetachAsync();
        c.Pump();
        c.Receive(c.Detached());
        Assert.That(Names(c), Is.EqualTo(new[] { "m1", "m4" }));
        Assert.That(c.Discontinuities.Last().Kind, Is.EqualTo(DiscontinuityKind.BackfillIncomplete));

        requests[0].Result.SetResult(new BackfillResult(new[] { M(2) }, Reached: true));
        c.Pump();
        Assert.That(Names(c), Is.EqualTo(new[] { "m1", "m4" }), "a late result is ignored");
    }

    [Test]
    public async Task Without_AutoBackfill_nothing_is_held_or_fetched()
    {
        await using var c = new ChannelHarness();
        var fetched = false;
        c.Channel.BackfillSource = _ => { fetched = true; return Task.FromResult(new BackfillResult(Array.Empty<Message>(), true)); };
        using var subscription = c.Subscribe();
        c.Pump();
        c.Receive(c.Attached("attach-1"));
        Deliver(c, 1);
        c.Receive(c.Attached("attach-2"));
        Deliver(c, 5);
        Assert.That(Names(c), Is.EqualTo(new[] { "m1", "m5" }));
        Assert.That(fetched, Is.False);
        Assert.That(c.Discontinuities.Single().Backfilling, Is.False);
    }

    /// <summary>
    /// Found by the chaos run's server restart: a server that lost its idempotency memory accepts a publisher's resend
    /// after a failed resume (RTN19a2), and subscribers received those messages twice. With AutoBackfill, a live message
    /// whose id or serial matches a recently delivered one is the same message (RSL1k) and is not delivered again.
    /// </summary>
    [Test]
    public async Task A_live_message_already_delivered_is_not_delivered_again()
    {
        var (c, requests) = await Start();
        await using var owned = c;
        Deliver(c, 1, 2, 3);

        // The same ids again, as a restarted server re-publishes a resend (new serials), then a new message.
        c.Receive(c.MessageFrame("pm-x", "cs-x", M(2) with { Serial = "other-2" }, M(3) with { Serial = "other-3" }));
        c.Receive(c.MessageFrame("pm-y", "cs-y", M(3) with { Id = "id-new", Serial = "s-0003" }));
        Deliver(c, 4);

        Assert.That(Names(c), Is.EqualTo(new[] { "m1", "m2", "m3", "m4" }));
        Assert.That(c.Channel.SuppressedDuplicates, Is.EqualTo(3), "two by id, one by serial");
        Assert.That(requests, Is.Empty);
    }

    private static async Task<(ChannelHarness Channel, List<(BackfillRequest Request, TaskCompletionSource<BackfillResult> Result)> Requests)> Start()
    {
        var c = new ChannelHarness(options: new ChannelOptions { AutoBackfill = true });
        var requests = new List<(BackfillRequest, TaskCompletionSource<BackfillResult>)>();
        c.Channel.BackfillSource = request =>
        {
            // Synchronous continuations on purpose: completing the result on the test thread posts the outcome to the
            // TestScheduler from this thread, so the test stays single-threaded and deterministic.
            var result = new TaskCompletionSource<BackfillResult>();
            requests.Add((request, result));
            return result.Task;
        };
        c.Subscribe();
        c.Pump();
        c.Receive(c.Attached("attach-1"));
        await Task.CompletedTask;
        return (c, requests);
    }

    private static void Deliver(ChannelHarness c, params int[] indexes)
    {
        foreach (var i in indexes)
        {
            c.Receive(c.MessageFrame("pm-" + i, "cs-" + i, M(i)));
        }
    }

    private static List<string?> Names(ChannelHarness c) => c.Received.Select(m => m.Name).ToList();
}
