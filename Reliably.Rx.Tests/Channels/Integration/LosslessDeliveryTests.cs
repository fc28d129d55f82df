using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// Lossless, ordered delivery over real WebSockets: many subscribers with a deliberately slow one, 100 000 messages,
/// server DETACHED, and a connection forgotten mid-stream with and without AutoBackfill. Slow subscribers are gated,
/// never put to sleep; every wait is event-driven with a timeout.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class LosslessDeliveryTests : RealtimeEmulatorFixture
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(90);

    [TestCaseSource(nameof(Formats))]
    public async Task Ten_subscribers_each_receive_all_10000_messages_in_order_while_one_is_gated(string format)
    {
        const int total = 10_000;
        var name = UniqueChannel("fanout");
        var subscriber = await ConnectedClient(format);
        var publisher = await ConnectedClient(format);
        var channel = subscriber.Channels.Get(name);
        using var gate = new ManualResetEventSlim(false);
        var collectors = Enumerable.Range(0, 10).Select(_ => new MessageCollector()).ToList();
        collectors[0].BeforeRecord = _ => gate.Wait(LongWait);
        // One validator per subscriber: different subscribers run concurrently by design; one subscriber never overlaps.
        var validators = collectors.Select(_ => new SynchronizationValidator()).ToList();
        var subscriptions = collectors.Select((c, i) => validators[i].Wrap(channel.Messages()).Subscribe(c)).ToList();
        await channel.WaitForStateAsync(ChannelState.Attached, Wait);

        await PublishSequenceAsync(publisher.Channels.Get(name), 0, total);
        foreach (var fast in collectors.Skip(1))
        {
            await fast.WaitForCountAsync(total, LongWait);
        }

        // The gated subscriber is still stuck on its first message: it delayed nobody.
        Assert.That(collectors[0].Count, Is.EqualTo(0));
        gate.Set();
        await collectors[0].WaitForCountAsync(total, LongWait);

        foreach (var collector in collectors)
        {
            Assert.That(collector.Indexes(), Is.EqualTo(Enumerable.Range(0, total)), "in order, none lost or duplicated");
        }

        Assert.That(validators.Sum(v => v.Overlaps), Is.Zero);
        subscriptions.ForEach(s => s.Dispose());
    }

    [Test]
    public async Task One_hundred_thousand_messages_arrive_in_order_with_none_lost_or_duplicated()
    {
        const int total = 100_000;
        var name = UniqueChannel("bulk");
        var subscriber = await ConnectedClient("msgpack");
        var publisher = await ConnectedClient("msgpack");
        var channel = subscriber.Channels.Get(name);
        var collector = new MessageCollector();
        using var subscription = channel.Messages().Subscribe(collector);
        await channel.WaitForStateAsync(ChannelState.Attached, Wait);

        await PublishSequenceAsync(publisher.Channels.Get(name), 0, total, batch: 100, inFlight: 100);
        await collector.WaitForCountAsync(total, LongWait);
        Assert.That(collector.Indexes(), Is.EqualTo(Enumerable.Range(0, total)));
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTL13a_a_server_DETACHED_is_reattached_with_continuity_and_no_message_is_lost(string format)
    {
        const int total = 2_000;
        var name = UniqueChannel("detached");
        var subscriber = await ConnectedClient(format);
        var publisher = await ConnectedClient(format);
        var channel = subscriber.Channels.Get(name);
        var collector = new MessageCollector();
        var changes = new List<ChannelStateChange>();
        var discontinuities = new List<ChannelDiscontinuity>();
        using var s1 = channel.Messages().Subscribe(collector);
        using var s2 = channel.StateChanges.Subscribe(c => { lock (changes) { changes.Add(c); } });
        using var s3 = channel.Discontinuities.Subscribe(d => { lock (discontinuities) { discontinuities.Add(d); } });
        await channel.WaitForStateAsync(ChannelState.Attached, Wait);

        var detached = false;
        await PublishSequenceAsync(publisher.Channels.Get(name), 0, total, batch: 20, inFlight: 8, afterBatch: async sent =>
        {
            if (!detached && sent >= total / 2)
            {
                detached = true;
                await collector.WaitForCountAsync(sent / 2, Wait);
                Assert.That(Emulator.Faults.DetachChannel(subscriber.Connection.Id!, name, new Reliably.Rx.Emulator.EmulatorError(90198, 500, "server detach")), Is.True);
            }
        });

        await collector.WaitForCountAsync(total, LongWait);
        Assert.That(collector.Indexes(), Is.EqualTo(Enumerable.Range(0, total)));
        lock (changes)
        {
            Assert.That(changes.Any(c => c.Current == ChannelState.Attaching && c.Reason?.Code == 90198), Is.True, "RTL13a: re-attached with the error as reason");
            Assert.That(changes.Last().Current, Is.EqualTo(ChannelState.Attached));
        }

        Assert.That(discontinuities, Is.Empty, "the re-attach resumed");
    }

    [TestCaseSource(nameof(Formats))]
    public async Task A_forgotten_connection_mid_stream_fires_a_discontinuity(string format)
    {
        var name = UniqueChannel("forgot");
        var subscriber = await ConnectedClient(format);
        var publisher = await ConnectedClient(format);
        var channel = subscriber.Channels.Get(name);
        var collector = new MessageCollector();
        var discontinuity = new TaskCompletionSource<ChannelDiscontinuity>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var s1 = channel.Messages().Subscribe(collector);
        using var s2 = channel.Discontinuities.Subscribe(d => discontinuity.TrySetResult(d));
        await channel.WaitForStateAsync(ChannelState.Attached, Wait);

        var outbound = publisher.Channels.Get(name);
        await PublishSequenceAsync(outbound, 0, 100);
        await collector.WaitForCountAsync(100, Wait);
        Assert.That(Emulator.Faults.ForgetConnection(subscriber.Connection.Id!, dropTransport: true), Is.True);

        var d = await discontinuity.Task.WaitAsync(Wait);
        Assert.That(d.Kind, Is.EqualTo(DiscontinuityKind.AttachNotResumed));
        Assert.That(d.Reason?.Code, Is.EqualTo(ErrorCodes.UnableToRecoverConnection));
        Assert.That(d.LastDeliveredId, Is.EqualTo(collector.Messages[^1].Id));
        Assert.That(d.Backfilling, Is.False);
    }

    [TestCaseSource(nameof(Formats))]
    public async Task AutoBackfill_closes_the_gap_of_a_forgotten_connection_exactly_once_and_in_order(string format)
    {
        const int total = 3_000;
        var name = UniqueChannel("backfill");
        var subscriber = await ConnectedClient(format);
        var publisher = await ConnectedClient(format);
        var channel = subscriber.Channels.Get(name, new ChannelOptions { AutoBackfill = true });
        var v = Enumerable.Range(0, 6).Select(_ => new SynchronizationValidator()).ToArray();
        var collector = new MessageCollector();
        var named = new MessageCollector();
        var typed = new List<string?>();
        var discontinuities = new List<ChannelDiscontinuity>();
        var errors = new List<Exception>();
        var states = new List<ChannelStateChange>();
        using var s1 = v[0].Wrap(channel.Messages()).Subscribe(collector);
        using var s2 = v[1].Wrap(channel.Messages("7")).Subscribe(named);
        var allTyped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var s3 = v[2].Wrap(channel.Messages<string>()).Subscribe(t =>
        {
            typed.Add(t);
            if (typed.Count == total)
            {
                allTyped.TrySetResult();
            }
        });
        using var s4 = v[3].Wrap(channel.Discontinuities).Subscribe(d => discontinuities.Add(d));
        using var s5 = v[4].Wrap(channel.SubscriberErrors).Subscribe(e => errors.Add(e));
        using var s6 = v[5].Wrap(channel.StateChanges).Subscribe(s => states.Add(s));
        await channel.WaitForStateAsync(ChannelState.Attached, Wait);

        // A gap by construction: from message 1,000 the channel's MESSAGE frames stop reaching clients (they still reach
        // history); 80 messages later, by when at least the first 40 of them are acknowledged, the server forgets the
        // subscriber's connection and the frames flow again.
        var suppressed = false;
        var forgotten = false;
        await PublishSequenceAsync(publisher.Channels.Get(name), 0, total, batch: 10, inFlight: 4, afterBatch: async sent =>
        {
            if (!suppressed && sent >= 1_000)
            {
                suppressed = true;
                await collector.WaitForCountAsync(500, Wait);
                Emulator.Faults.SuppressFrames(Reliably.Rx.Emulator.EmulatorFrameDirection.Outbound, action: 15, channel: name);
            }
            else if (suppressed && !forgotten && sent >= 1_080)
            {
                forgotten = true;
                Assert.That(Emulator.Faults.ForgetConnection(subscriber.Connection.Id!, dropTransport: true), Is.True);
                Emulator.Faults.Reset();
            }
        });

        await collector.WaitForCountAsync(total, LongWait);
        Assert.That(collector.Indexes(), Is.EqualTo(Enumerable.Range(0, total)), "gapless, duplicate-free, in order");
        Assert.That(named.Indexes(), Is.EqualTo(new[] { 7 }));
        await allTyped.Task.WaitAsync(LongWait);
        Assert.That(typed, Is.EqualTo(Enumerable.Range(0, total).Select(i => "payload-" + i)));
        Assert.That(discontinuities.Select(d => d.Kind), Is.EqualTo(new[] { DiscontinuityKind.AttachNotResumed }));
        Assert.That(discontinuities[0].Backfilling, Is.True);
        Assert.That(channel.BackfilledMessages, Is.GreaterThan(0), "there was a gap, and history filled it");
        Assert.That(errors, Is.Empty);
        Assert.That(v.Select(x => x.Overlaps), Is.All.Zero, "no overlapping notifications on any stream");
        Assert.That(v.Select(x => x.NotificationsAfterTerminal), Is.All.Zero);
        Assert.That(subscriber.Connection.ErrorReason?.Code, Is.EqualTo(ErrorCodes.UnableToRecoverConnection));
    }
}
