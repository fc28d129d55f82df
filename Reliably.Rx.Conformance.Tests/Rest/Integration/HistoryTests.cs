using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Conformance.Tests.Rest.Integration;

/// <summary>
/// uts/rest/integration/history.md (RSL2) against the emulator. The specs poll history until the messages are
/// persisted; the emulator stores a message before it answers the publish, so one read is the poll's last.
/// </summary>
[TestFixture]
[Category("uts/rest/integration/history.md")]
public sealed class HistoryTests : RestSandbox
{
    private readonly SteppedClock _clock = new();

    /// <summary>The emulator stamps messages with a clock this fixture can move on (RSL2b3's distinct timestamps).</summary>
    protected override EmulatorOptions EmulatorOptions => new() { TimeProvider = _clock };

    // UTS: rest/integration/RSL2a/history-returns-messages-0
    [Test]
    public async Task RSL2a_HistoryReturnsPublishedMessages()
    {
        var channel = Rest().Channels.Get(UniqueChannel("history-test-RSL2a"));

        await Await(channel.PublishAsync("event1", "data1"));
        await Await(channel.PublishAsync("event2", "data2"));
        await Await(channel.PublishAsync("event3", new JObject { ["key"] = "value" }));
        var history = await Await(channel.HistoryAsync());

        Assert.That(history.Items, Has.Count.EqualTo(3));
        Assert.That(history.Items[0].Name, Is.EqualTo("event3"));
        Assert.That(JToken.DeepEquals((JToken?)history.Items[0].Data, new JObject { ["key"] = "value" }), Is.True);
        Assert.That(history.Items[1].Name, Is.EqualTo("event2"));
        Assert.That(history.Items[1].Data, Is.EqualTo("data2"));
        Assert.That(history.Items[2].Name, Is.EqualTo("event1"));
        Assert.That(history.Items[2].Data, Is.EqualTo("data1"));
        Assert.That(history.Items.Select(m => m.Timestamp), Is.All.Not.Null);
    }

    // UTS: rest/integration/RSL2b1/history-direction-forwards-0
    [Test]
    public async Task RSL2b1_HistoryDirectionForwards()
    {
        var channel = Rest().Channels.Get(UniqueChannel("history-direction"));
        await Await(channel.PublishAsync("first", "1"));
        await Await(channel.PublishAsync("second", "2"));
        await Await(channel.PublishAsync("third", "3"));
        Assert.That((await Await(channel.HistoryAsync())).Items, Has.Count.EqualTo(3));

        var history = await Await(channel.HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Forwards }));

        Assert.That(history.Items.Select(m => m.Name), Is.EqualTo(new[] { "first", "second", "third" }));
    }

    // UTS: rest/integration/RSL2b2/history-limit-parameter-0
    [Test]
    public async Task RSL2b2_HistoryLimitParameter()
    {
        var channel = Rest().Channels.Get(UniqueChannel("history-limit"));
        await PublishNumberedAsync(channel, 10);
        Assert.That((await Await(channel.HistoryAsync())).Items, Has.Count.EqualTo(10));

        var history = await Await(channel.HistoryAsync(new HistoryQuery { Limit = 5 }));

        Assert.That(history.Items, Has.Count.EqualTo(5));
        Assert.That(history.Items[0].Name, Is.EqualTo("event-10"));
        Assert.That(history.Items[4].Name, Is.EqualTo("event-6"));
    }

    // UTS: rest/integration/RSL2b3/history-time-range-0
    [Test]
    public async Task RSL2b3_HistoryTimeRangeParameters()
    {
        // NOTE: the spec's "WAIT 2ms" between the batches is the emulator's clock moved on by 2 ms (no wall-clock wait).
        var channel = Rest().Channels.Get(UniqueChannel("history-timerange"));
        await Await(channel.PublishAsync("early1", "e1"));
        await Await(channel.PublishAsync("early2", "e2"));
        _clock.Step(TimeSpan.FromMilliseconds(2));
        await Await(channel.PublishAsync("late1", "l1"));
        await Await(channel.PublishAsync("late2", "l2"));
        var all = (await Await(channel.HistoryAsync())).Items;
        Assert.That(all, Has.Count.EqualTo(4));

        var maxEarly = all.Where(m => m.Name!.StartsWith("early", StringComparison.Ordinal)).Max(m => m.Timestamp!.Value);
        var minLate = all.Where(m => m.Name!.StartsWith("late", StringComparison.Ordinal)).Min(m => m.Timestamp!.Value);
        var boundary = DateTimeOffset.FromUnixTimeMilliseconds((maxEarly.ToUnixTimeMilliseconds() + minLate.ToUnixTimeMilliseconds()) / 2);
        var early = await Await(channel.HistoryAsync(new HistoryQuery { Start = maxEarly - TimeSpan.FromMilliseconds(1000), End = boundary }));
        var late = await Await(channel.HistoryAsync(new HistoryQuery { Start = boundary + TimeSpan.FromMilliseconds(1), End = minLate + TimeSpan.FromMilliseconds(1000) }));

        Assert.That(early.Items, Is.Not.Empty);
        Assert.That(late.Items, Is.Not.Empty);
        Assert.That(early.Items.Select(m => m.Name), Has.Some.StartsWith("early"));
        Assert.That(late.Items.Select(m => m.Name), Has.Some.StartsWith("late"));
    }

    // UTS: rest/integration/RSL2/history-empty-channel-0
    [Test]
    public async Task RSL2a_HistoryOnChannelWithNoMessages()
    {
        var channel = Rest().Channels.Get(UniqueChannel("history-empty"));

        var history = await Await(channel.HistoryAsync());

        Assert.That(history.Items, Is.Empty);
        Assert.That(history.HasNext, Is.False);
        Assert.That(history.IsLast, Is.True);
    }

    /// <summary>The system clock plus an offset a test moves on: the emulator's time, stepped instead of waited for.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _offsetTicks;

        public void Step(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
    }
}
