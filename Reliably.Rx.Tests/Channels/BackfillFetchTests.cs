using Microsoft.Reactive.Testing;
using Reliably.Rx.Channels;
using Reliably.Rx.Testing;

namespace Reliably.Rx.Tests.Channels;

/// <summary>The history read behind a bounded subscription's gap repair, against the in-memory Ably's real history.</summary>
[TestFixture]
public sealed class BackfillFetchTests
{
    [Test]
    public async Task RTL10b_a_repair_whose_anchor_and_bound_history_no_longer_holds_returns_nothing_it_cannot_place()
    {
        // After a server restart the channel's history starts again: neither the last message delivered before the gap
        // nor the first one still queued after it is there. Everything history has is newer than the queued messages
        // (it was published after the restart), so delivering it in the gap would put newer messages before older ones.
        var (scheduler, ably, channel) = await Start("restarted");
        await using var _ = ably;
        var result = Fetch(scheduler, channel, BackfillRequest.Between(Gone(1), Gone(2)));

        Assert.That(result.Missed, Is.Empty);
        Assert.That(result.Reached, Is.False, "reported as a gap history could not close");
    }

    [Test]
    public async Task A_repair_whose_bound_history_does_not_hold_returns_everything_after_the_anchor()
    {
        var (scheduler, ably, channel) = await Start("unbounded");
        await using var _ = ably;
        var history = Fetch(scheduler, channel, new BackfillRequest(null, null, null));
        var anchor = history.Missed[0];
        var result = Fetch(scheduler, channel, BackfillRequest.Between(anchor, Gone(2)));

        Assert.That(result.Reached, Is.True);
        Assert.That(result.Missed.Select(m => m.Name), Is.EqualTo(new[] { "p1", "p2" }), "the caller skips what it still has queued");
    }

    [Test]
    public async Task RTL10b_RTL15c_a_read_back_to_the_start_of_history_that_a_server_restart_cuts_is_incomplete_never_complete()
    {
        // Nothing delivered yet: the gap runs from the start of the channel's history (nothing precedes the attach point
        // the continuity began at) to the newest message, more than one page. The server restarts between two pages: the
        // next-page link of the lost channel instance must not read as the end of history, which would claim the gap
        // closed with only the newest page recovered.
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        await using var client = ably.CreateRealtime();
        var channel = client.Channels.Get("restart-during-backfill");
        scheduler.AdvanceUntilCompleted(channel.AttachAsync(), TimeSpan.FromMinutes(1));
        var floor = channel.AttachSerial;
        Assert.That(floor, Is.Not.Null, "the attach point of the empty channel");
        using var rest = ably.CreateRest();
        var publisher = rest.Channels.Get(channel.Name);
        for (var batch = 0; batch < 5; batch++)
        {
            scheduler.AdvanceUntilCompleted(publisher.PublishAsync(Enumerable.Range(50 * batch, 50).Select(i => new Message("p" + i, "x"))), TimeSpan.FromMinutes(1));
        }

        var reads = 0;
        async Task<PaginatedResult<Message>> RestartAfterTheFirstPage(IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken ct)
        {
            var page = await channel.FetchHistoryAsync(query, ct);
            if (++reads == 2)
            {
                ably.Faults.Restart();
            }

            return page;
        }

        var result = scheduler.AdvanceUntilCompleted(new BackfillFetch(RestartAfterTheFirstPage, new BackfillRequest(null, null, null, FloorSerial: floor)).RunAsync(), TimeSpan.FromMinutes(1));

        Assert.That(reads, Is.EqualTo(2), "the attach point, then the newest page");
        Assert.That(result.Reached, Is.False, "150 messages older than the page read were never recovered");
        Assert.That(result.Error?.Code, Is.EqualTo(40011), "the stale page link is refused (pagination sequence no longer valid)");
        Assert.That(result.Missed.Select(m => m.Name), Is.EqualTo(Enumerable.Range(150, 100).Select(i => "p" + i)), "what was read, oldest first");
    }

    private static Message Gone(int i) => new("gone" + i, "x") { Id = "gone:" + i, Serial = "epoch-gone:" + i };

    private static BackfillResult Fetch(TestScheduler scheduler, RealtimeChannel channel, BackfillRequest request) =>
        scheduler.AdvanceUntilCompleted(new BackfillFetch(channel.FetchHistoryAsync, request).RunAsync(), TimeSpan.FromMinutes(1));

    private static async Task<(TestScheduler Scheduler, AblyRealtime Client, RealtimeChannel Channel)> Start(string name)
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        var client = ably.CreateRealtime();
        using var rest = ably.CreateRest();
        var publisher = rest.Channels.Get(name);
        for (var i = 0; i < 3; i++)
        {
            scheduler.AdvanceUntilCompleted(publisher.PublishAsync("p" + i, "x"), TimeSpan.FromMinutes(1));
        }

        await Task.CompletedTask;
        return (scheduler, client, client.Channels.Get(name));
    }
}
