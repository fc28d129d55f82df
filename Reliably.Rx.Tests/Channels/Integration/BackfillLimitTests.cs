using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// AutoBackfill when the gap cannot be closed: history too short (the emulator keeps only 100 messages per channel) or
/// the history request failing. What can be recovered is delivered, in order and without duplicates, and a
/// <see cref="DiscontinuityKind.BackfillIncomplete"/> says so.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class BackfillLimitTests : RealtimeEmulatorFixture
{
    protected override int HistoryLimit => 100;

    [TestCaseSource(nameof(Formats))]
    public async Task A_gap_longer_than_history_delivers_what_history_holds_and_reports_BackfillIncomplete(string format)
    {
        var (channel, collector, discontinuities, done) = await GapAsync(format, gapSize: 200, failHistory: false);
        var d = await done.WaitAsync(Wait);
        Assert.That(d.Kind, Is.EqualTo(DiscontinuityKind.BackfillIncomplete));
        Assert.That(d.Reason?.Code, Is.EqualTo(ErrorCodes.UnableToRecoverChannel));

        await PublishSequenceAsync(channel.Publisher, 350, 10);
        await collector.WaitForCountAsync(50 + 100 + 10, Wait);
        var indexes = collector.Indexes();
        Assert.That(indexes.Take(50), Is.EqualTo(Enumerable.Range(0, 50)));
        Assert.That(indexes, Is.Ordered.Ascending);
        Assert.That(indexes, Is.Unique);
        Assert.That(indexes.Skip(50).First(), Is.GreaterThan(50), "the oldest part of the gap is gone from history");
        Assert.That(indexes.TakeLast(10), Is.EqualTo(Enumerable.Range(350, 10)), "live delivery resumed");
        Assert.That(discontinuities.Select(x => x.Kind), Is.EqualTo(new[] { DiscontinuityKind.AttachNotResumed, DiscontinuityKind.BackfillIncomplete }));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task A_failing_history_request_reports_BackfillIncomplete_with_its_error_and_live_delivery_goes_on(string format)
    {
        var (channel, collector, _, done) = await GapAsync(format, gapSize: 20, failHistory: true);
        var d = await done.WaitAsync(Wait);
        Assert.That(d.Kind, Is.EqualTo(DiscontinuityKind.BackfillIncomplete));
        Assert.That(d.Reason?.StatusCode, Is.EqualTo(503));

        Emulator.Faults.Reset();
        await PublishSequenceAsync(channel.Publisher, 500, 5);
        await collector.WaitForCountAsync(55, Wait);
        var indexes = collector.Indexes();
        Assert.That(indexes.Take(50), Is.EqualTo(Enumerable.Range(0, 50)));
        Assert.That(indexes.TakeLast(5), Is.EqualTo(Enumerable.Range(500, 5)));
        Assert.That(indexes, Is.Ordered.Ascending);
    }

    /// <summary>
    /// Delivers 0..49, forgets the subscriber's connection, holds its re-ATTACH (DelayAttached) while
    /// <paramref name="gapSize"/> messages are published, then lets it attach without continuity.
    /// </summary>
    private async Task<((RealtimeChannel Subscriber, RealtimeChannel Publisher) Channel, MessageCollector Collector, List<ChannelDiscontinuity> Discontinuities, Task<ChannelDiscontinuity> Incomplete)> GapAsync(string format, int gapSize, bool failHistory)
    {
        var name = UniqueChannel("limit");
        var subscriberClient = await ConnectedClient(format);
        var publisherClient = await ConnectedClient(format);
        var subscriber = subscriberClient.Channels.Get(name, new ChannelOptions { AutoBackfill = true });
        var publisher = publisherClient.Channels.Get(name);
        var collector = new MessageCollector();
        var discontinuities = new List<ChannelDiscontinuity>();
        var incomplete = new TaskCompletionSource<ChannelDiscontinuity>(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.Messages().Subscribe(collector);
        subscriber.Discontinuities.Subscribe(d =>
        {
            lock (discontinuities)
            {
                discontinuities.Add(d);
            }

            if (d.Kind == DiscontinuityKind.BackfillIncomplete)
            {
                incomplete.TrySetResult(d);
            }
        });
        await subscriber.WaitForStateAsync(ChannelState.Attached, Wait);
        await PublishSequenceAsync(publisher, 0, 50);
        await collector.WaitForCountAsync(50, Wait);

        var reattaching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (subscriber.StateChanges.Subscribe(c =>
        {
            if (c.Current == ChannelState.Attaching)
            {
                reattaching.TrySetResult();
            }
        }))
        {
            if (failHistory)
            {
                Emulator.Faults.FailRestRequests(503, pathPrefix: "/channels");
            }

            // Long enough for the gap's publishes even on a loaded machine (the emulator's own delay, not a test sleep).
            Emulator.Faults.DelayAttached(TimeSpan.FromSeconds(5));
            Assert.That(Emulator.Faults.ForgetConnection(subscriberClient.Connection.Id!, dropTransport: true), Is.True);
            await reattaching.Task.WaitAsync(Wait);
            await PublishSequenceAsync(publisher, 50, gapSize, batch: 50, inFlight: 4);
            Emulator.Faults.DelayAttached(TimeSpan.Zero);
        }

        return ((subscriber, publisher), collector, discontinuities, incomplete.Task);
    }
}
