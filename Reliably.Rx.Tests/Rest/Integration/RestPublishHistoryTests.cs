using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Tests.Rest.Integration;

[TestFixture]
[Category("Integration")]
public sealed class RestPublishHistoryTests : EmulatorFixture
{
    private sealed record Order(string Item, int Quantity);

    [TestCaseSource(nameof(Formats))]
    public async Task RSC16_TimeComesFromTheServer(string format)
    {
        await using var rest = Client(format);
        var time = await rest.TimeAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(time, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSL1_RSL2_StringJsonAndBinaryRoundTrip(string format)
    {
        await using var rest = Client(format);
        var channel = rest.Channels.Get(UniqueChannel("roundtrip"));

        var result = await channel.PublishAsync(new[]
        {
            new Message("text", "hello"),
            new Message("json", new JObject { ["a"] = 1, ["b"] = new JArray("x", "y") }),
            new Message("typed", MessageData.Json(new Order("tea", 2))),
            new Message("binary", new byte[] { 0, 1, 2, 255 }),
        });
        var page = await channel.HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Forwards });

        var byName = page.Items.ToDictionary(m => m.Name!);
        Assert.Multiple(() =>
        {
            Assert.That(result.Serials, Has.Count.EqualTo(4));
            Assert.That(byName["text"].Data, Is.EqualTo("hello"));
            Assert.That(JToken.DeepEquals((JToken)byName["json"].Data!, new JObject { ["a"] = 1, ["b"] = new JArray("x", "y") }), Is.True);
            Assert.That(byName["typed"].DataAs<Order>(), Is.EqualTo(new Order("tea", 2)));
            Assert.That(byName["binary"].Data, Is.EqualTo(new byte[] { 0, 1, 2, 255 }));
            Assert.That(page.Items.All(m => m.Encoding is null), Is.True);
            Assert.That(page.Items.All(m => m.Id is not null && m.Timestamp is not null), Is.True);
        });
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSL1k_RepublishingTheSameIdsIsDeduplicated(string format)
    {
        await using var rest = Client(format);
        var channel = rest.Channels.Get(UniqueChannel("idem"));

        await channel.PublishAsync(new Message("once", "x") { Id = "fixed-id-base:0" });
        await channel.PublishAsync(new Message("once", "x") { Id = "fixed-id-base:0" });
        await channel.PublishAsync("auto", "y");

        var page = await channel.HistoryAsync();
        Assert.That(page.Items.Select(m => m.Name), Is.EquivalentTo(new[] { "once", "auto" }));
        Assert.That(page.Items.Single(m => m.Name == "auto").Id, Does.Match(@"^[A-Za-z0-9_-]{12,}:0$"));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task TG_PaginationInBothDirections(string format)
    {
        await using var rest = Client(format);
        var channel = rest.Channels.Get(UniqueChannel("pages"));
        for (var i = 0; i < 7; i++)
        {
            await channel.PublishAsync("m" + i, i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var backwards = await ReadAllPages(await channel.HistoryAsync(new HistoryQuery { Limit = 3 }));
        var forwards = await ReadAllPages(await channel.HistoryAsync(new HistoryQuery { Limit = 3, Direction = PaginationDirection.Forwards }));
        var enumerated = new List<string?>();
        await foreach (var message in channel.History(new HistoryQuery { Limit = 2, Direction = PaginationDirection.Forwards }))
        {
            enumerated.Add(message.Name);
        }

        var expected = Enumerable.Range(0, 7).Select(i => "m" + i).ToArray();
        Assert.That(backwards.Sizes, Is.EqualTo(new[] { 3, 3, 1 }));
        Assert.That(backwards.Names, Is.EqualTo(expected.Reverse()));
        Assert.That(forwards.Names, Is.EqualTo(expected));
        Assert.That(enumerated, Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task TG5_FirstGoesBackToTheFirstPage(string format)
    {
        await using var rest = Client(format);
        var channel = rest.Channels.Get(UniqueChannel("first"));
        for (var i = 0; i < 4; i++)
        {
            await channel.PublishAsync("m" + i, "x");
        }

        var first = await channel.HistoryAsync(new HistoryQuery { Limit = 2 });
        var second = await first.NextAsync();
        var again = await second!.FirstAsync();

        Assert.That(again.Items.Select(m => m.Name), Is.EqualTo(first.Items.Select(m => m.Name)));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSL2b1_TimeRangeIsApplied(string format)
    {
        await using var rest = Client(format);
        var channel = rest.Channels.Get(UniqueChannel("range"));
        await channel.PublishAsync("old", "x");
        var at = (await channel.HistoryAsync()).Items.Single().Timestamp!.Value;

        // Positive controls first: a range that includes the message's timestamp, at either bound, returns it.
        Assert.That((await channel.HistoryAsync(new HistoryQuery { Start = at, End = at })).Items.Select(m => m.Name), Is.EqualTo(new[] { "old" }));
        Assert.That((await channel.HistoryAsync(new HistoryQuery { End = at })).Items.Select(m => m.Name), Is.EqualTo(new[] { "old" }));

        Assert.That((await channel.HistoryAsync(new HistoryQuery { Start = at.AddMilliseconds(1) })).Items, Is.Empty, "a start after the message");
        Assert.That((await channel.HistoryAsync(new HistoryQuery { End = at.AddMilliseconds(-1) })).Items, Is.Empty, "an end before the message");
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSL1i_OversizedMessageIsRefusedLocally(string format)
    {
        await using var rest = Client(format);
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("big").PublishAsync("n", new byte[70_000]));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.MessageTooLarge));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSC22_BatchPublishReachesEveryChannel(string format)
    {
        await using var rest = Client(format);
        var a = UniqueChannel("batch-a");
        var b = UniqueChannel("batch-b");

        var result = await rest.BatchPublishAsync(new BatchPublishSpec
        {
            Channels = new[] { a, b },
            Messages = new[] { new Message("n", "text"), new Message("bin", new byte[] { 9, 8 }) },
        });

        Assert.That(result.SuccessCount, Is.EqualTo(2));
        Assert.That(result.FailureCount, Is.Zero);
        foreach (var name in new[] { a, b })
        {
            var items = (await rest.Channels.Get(name).HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Forwards })).Items;
            Assert.That(items.Select(m => m.Data), Is.EqualTo(new object[] { "text", new byte[] { 9, 8 } }));
        }
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSL11_GetMessageBySerialFromPublishResult(string format)
    {
        await using var rest = Client(format);
        var channel = rest.Channels.Get(UniqueChannel("serial"));

        var result = await channel.PublishAsync("n", new JObject { ["k"] = "v" });
        var message = await channel.GetMessageAsync(result.Serials.Single()!);

        Assert.That(message.Name, Is.EqualTo("n"));
        Assert.That(((JObject)message.Data!)["k"]!.ToString(), Is.EqualTo("v"));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSC24_BatchPresenceOverChannels(string format)
    {
        await using var rest = Client(format);
        var result = await rest.BatchPresenceAsync(new[] { UniqueChannel("bp-a"), UniqueChannel("bp-b") });

        Assert.That(result.SuccessCount, Is.EqualTo(2));
        Assert.That(result.Results.All(r => r.Presence.Count == 0), Is.True);
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSL8_StatusReportsTheChannel(string format)
    {
        await using var rest = Client(format);
        var name = UniqueChannel("status");
        await rest.Channels.Get(name).PublishAsync("n", "d");

        var details = await rest.Channels.Get(name).StatusAsync();

        Assert.That(details.ChannelId, Is.EqualTo(name));
        Assert.That(details.Status, Is.Not.Null);
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSC6_StatsFixturesAreReadBackPageByPage(string format)
    {
        var app = Emulator.CreateApp();
        await using var rest = new AblyRest(Options(format, app.Keys[0].KeyString));
        var fixtures = new JArray(
            new JObject { ["intervalId"] = "2024-01-01:00:00", ["entries"] = new JObject { ["messages.all.all.count"] = 7 } },
            new JObject { ["intervalId"] = "2024-01-01:00:01", ["entries"] = new JObject { ["messages.all.all.count"] = 9 } });
        var posted = await rest.RequestAsync(HttpMethod.Post, "/stats", body: fixtures);
        Assert.That(posted.Success, Is.True, posted.ErrorMessage);

        var query = new StatsQuery
        {
            Start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
            End = new DateTimeOffset(2024, 1, 1, 0, 1, 0, TimeSpan.Zero),
            Direction = PaginationDirection.Forwards,
            Limit = 1,
        };
        var first = await rest.StatsAsync(query);
        var second = await first.NextAsync();

        Assert.That(first.Items.Single().IntervalId, Is.EqualTo("2024-01-01:00:00"));
        Assert.That(first.Items.Single()["messages.all.all.count"], Is.EqualTo(7));
        Assert.That(second!.Items.Single()["messages.all.all.count"], Is.EqualTo(9));
        Assert.That(first.Items.Single().IntervalTime, Is.EqualTo(query.Start));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSC19_RequestReadsAndReportsErrorsWithoutThrowing(string format)
    {
        await using var rest = Client(format);
        var name = UniqueChannel("generic");
        await rest.Channels.Get(name).PublishAsync("n", "d");

        var ok = await rest.RequestAsync(HttpMethod.Get, "/channels/" + name + "/messages");
        var missing = await rest.RequestAsync(HttpMethod.Get, "/no/such/route");

        Assert.That(ok.Success, Is.True);
        Assert.That((string?)ok.Items.Single()["name"], Is.EqualTo("n"));
        Assert.That(missing.Success, Is.False);
        Assert.That(missing.StatusCode, Is.EqualTo(404));
        Assert.That(missing.ErrorCode, Is.EqualTo(40400));
    }

    private static async Task<(List<int> Sizes, List<string?> Names)> ReadAllPages(PaginatedResult<Message> page)
    {
        var sizes = new List<int>();
        var names = new List<string?>();
        PaginatedResult<Message>? current = page;
        while (current is not null)
        {
            sizes.Add(current.Items.Count);
            names.AddRange(current.Items.Select(m => m.Name));
            current = await current.NextAsync();
        }

        return (sizes, names);
    }
}
