using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Integration;

/// <summary>
/// uts/rest/integration/pagination.md (TG1-TG5) against the emulator. The specs poll history until the messages are
/// persisted; the emulator stores a message before it answers the publish, so one read is the poll's last.
/// </summary>
[TestFixture]
[Category("uts/rest/integration/pagination.md")]
public sealed class PaginationTests : RestSandbox
{
    /// <summary>A channel with <paramref name="count"/> numbered messages, checked persisted.</summary>
    private async Task<RestChannel> ChannelWithAsync(string prefix, int count)
    {
        var channel = Rest().Channels.Get(UniqueChannel(prefix));
        await PublishNumberedAsync(channel, count);
        Assert.That((await Await(channel.HistoryAsync(new HistoryQuery { Limit = 100 }))).Items, Has.Count.EqualTo(count));
        return channel;
    }

    // UTS: rest/integration/TG1/items-and-navigation-0
    [Test]
    public async Task TG1_TG2_ItemsAndNavigation()
    {
        var channel = await ChannelWithAsync("pagination-basic", 15);

        var page1 = await Await(channel.HistoryAsync(new HistoryQuery { Limit = 5 }));

        Assert.That(page1.Items, Has.Count.EqualTo(5));
        Assert.That(page1.HasNext, Is.True);
        Assert.That(page1.IsLast, Is.False);
    }

    // UTS: rest/integration/TG3/next-retrieves-page-0
    [Test]
    public async Task TG3_NextRetrievesSubsequentPage()
    {
        var channel = await ChannelWithAsync("pagination-next", 12);

        var page1 = await Await(channel.HistoryAsync(new HistoryQuery { Limit = 5 }));
        var page2 = (await Await(page1.NextAsync()))!;
        var page3 = (await Await(page2.NextAsync()))!;

        Assert.That(page1.Items, Has.Count.EqualTo(5));
        Assert.That(page2.Items, Has.Count.EqualTo(5));
        Assert.That(page3.Items, Has.Count.EqualTo(2));
        var ids = page1.Items.Concat(page2.Items).Concat(page3.Items).Select(m => m.Id).ToList();
        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.Count.EqualTo(12));
    }

    // UTS: rest/integration/TG4/first-retrieves-page-0
    [Test]
    public async Task TG4_FirstRetrievesFirstPage()
    {
        var channel = await ChannelWithAsync("pagination-first", 10);

        var page1 = await Await(channel.HistoryAsync(new HistoryQuery { Limit = 3 }));
        var page2 = (await Await(page1.NextAsync()))!;
        var firstPage = await Await(page2.FirstAsync());

        Assert.That(firstPage.Items.Select(m => m.Id), Is.EqualTo(page1.Items.Select(m => m.Id)));
    }

    // UTS: rest/integration/TG5/iterate-all-pages-0
    [Test]
    public async Task TG5_IterateThroughAllPages()
    {
        const int messageCount = 25;
        var channel = await ChannelWithAsync("pagination-iterate", messageCount);

        var all = new List<Message>();
        var page = await Await(channel.HistoryAsync(new HistoryQuery { Limit = 7 }));
        while (true)
        {
            all.AddRange(page.Items);
            if (!page.HasNext)
            {
                break;
            }

            page = (await Await(page.NextAsync()))!;
        }

        Assert.That(all, Has.Count.EqualTo(messageCount));
        Assert.That(all.Select(m => m.Name), Is.SupersetOf(Enumerable.Range(1, messageCount).Select(i => $"event-{i}")));
    }

    // UTS: rest/integration/TG3/next-last-page-null-1
    [Test]
    public async Task TG3_NextOnLastPageReturnsNull()
    {
        var channel = await ChannelWithAsync("pagination-lastnext", 3);

        var page = await Await(channel.HistoryAsync(new HistoryQuery { Limit = 10 }));

        Assert.That(page.Items, Has.Count.EqualTo(3));
        Assert.That(page.HasNext, Is.False);
        Assert.That(page.IsLast, Is.True);
        var next = await Await(page.NextAsync());
        Assert.That(next, Is.Null);
    }
}
