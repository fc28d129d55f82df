using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// Subscription filters end to end (RTS5): a derived channel receives, from the emulator, only the base channel's
/// messages its filter selects, in order, while the base channel receives them all; an expression the server cannot
/// parse fails the attach with 40010.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class FilteredSubscriptionTests : RealtimeEmulatorFixture
{
    [TestCaseSource(nameof(Formats))]
    public async Task RTS5a1_a_filtered_channel_receives_only_matching_messages_in_order_and_the_base_channel_all(string format)
    {
        const int total = 300;
        var name = UniqueChannel("filtered");
        var subscriber = await ConnectedClient(format);
        var publisher = await ConnectedClient(format);
        var filter = SubscriptionFilter.NameIs("quote") & SubscriptionFilter.HeaderIs("venue", "XLON") & SubscriptionFilter.HeaderGreaterThan("size", 10);
        var (filtered, filteredSubscription) = await SubscribeAsync(subscriber.Channels.GetFiltered(name, filter));
        var (all, allSubscription) = await SubscribeAsync(subscriber.Channels.Get(name));
        using var _ = filteredSubscription;
        using var __ = allSubscription;

        var messages = Enumerable.Range(0, total).Select(Message).ToList();
        await publisher.Channels.Get(name).PublishAsync(messages).WaitAsync(Wait);
        var expected = messages.Where(Matches).Select(m => m.Data).ToList();
        Assert.That(expected, Is.Not.Empty);
        Assert.That(expected, Has.Count.LessThan(total));

        await all.WaitForCountAsync(total, Wait);
        await filtered.WaitForCountAsync(expected.Count, Wait);
        Assert.That(filtered.Messages.Select(m => m.Data), Is.EqualTo(expected), "only the matching messages, in order");
        Assert.That(all.Messages.Select(m => m.Data), Is.EqualTo(messages.Select(m => m.Data)));
        Assert.That(filtered.Messages.All(m => m.Extras?["headers"]?.Value<string>("venue") == "XLON"), Is.True);
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTS5a_a_raw_expression_the_server_cannot_parse_fails_the_attach_with_40010(string format)
    {
        var client = await ConnectedClient(format);
        var channel = client.Channels.GetDerived(UniqueChannel("unparseable"), new DeriveOptions { Filter = "name == " });
        var error = Assert.ThrowsAsync<AblyException>(async () => await channel.AttachAsync().WaitAsync(Wait))!;
        Assert.That(error.ErrorInfo.Code, Is.EqualTo(40010));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected), "only the channel fails");
    }

    /// <summary>Message i: a name of three, a venue of two, a size of 0..29, so that about one in twelve matches.</summary>
    private static Message Message(int i) => new(i % 3 == 0 ? "quote" : i % 3 == 1 ? "trade" : "news", "m" + i)
    {
        Extras = new JObject { ["headers"] = new JObject { ["venue"] = i % 2 == 0 ? "XLON" : "XPAR", ["size"] = i % 30 } },
    };

    private static bool Matches(Message m) =>
        m.Name == "quote" && m.Extras!["headers"]!.Value<string>("venue") == "XLON" && m.Extras["headers"]!.Value<int>("size") > 10;
}
