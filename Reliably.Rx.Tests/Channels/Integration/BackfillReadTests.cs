using System.Collections.Concurrent;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// What AutoBackfill reads: a gap costs small history pages (100 messages) in proportion to its length, however long the
/// history is; a gap longer than five of them is read again in pages of 1,000. Either way every missed message arrives
/// once, in order.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class BackfillReadTests : RealtimeEmulatorFixture
{
    [TestCase("json", 30, new[] { "100" })]
    [TestCase("msgpack", 30, new[] { "100" })]
    [TestCase("json", 250, new[] { "100", "100", "100" })]
    [TestCase("msgpack", 250, new[] { "100", "100", "100" })]
    [TestCase("json", 700, new[] { "100", "100", "100", "100", "100", "1000" })]
    [TestCase("msgpack", 700, new[] { "100", "100", "100", "100", "100", "1000" })]
    public async Task RTL15b_a_backfill_reads_one_small_page_for_a_small_gap_and_full_pages_only_beyond_it(string format, int gap, string[] limits)
    {
        var requests = new ConcurrentQueue<Uri>();
        var subscriberClient = await ConnectedClient(format, o => o with { HttpMessageHandlerFactory = () => new RecordingHandler(requests) });
        var publisherClient = await ConnectedClient(format);
        var name = UniqueChannel("backfill-read");
        var publisher = publisherClient.Channels.Get(name);

        // A long history before the subscriber arrives: the read must stop at the anchor, not read all of it.
        await PublishSequenceAsync(publisher, -2_000, 2_000, batch: 100, inFlight: 4);
        var subscriber = subscriberClient.Channels.Get(name, new ChannelOptions { AutoBackfill = true });
        var (collector, subscription) = await SubscribeAsync(subscriber);
        using var owned = subscription;
        await subscriber.WaitForStateAsync(ChannelState.Attached, Wait);
        await PublishSequenceAsync(publisher, 0, 50);
        await collector.WaitForCountAsync(50, Wait);

        // The gap, by construction: the server stops sending this channel's messages to the subscriber, the gap is
        // published, then the server forgets the connection, so the re-attach cannot resume.
        Emulator.Faults.SuppressFrames(Reliably.Rx.Emulator.EmulatorFrameDirection.Outbound, action: 15, channel: name);
        await PublishSequenceAsync(publisher, 50, gap, batch: 10, inFlight: 4);
        Assert.That(Emulator.Faults.ForgetConnection(subscriberClient.Connection.Id!, dropTransport: true), Is.True);
        Emulator.Faults.Reset();
        await PublishSequenceAsync(publisher, 50 + gap, 10);

        await collector.WaitForCountAsync(60 + gap, Wait);
        Assert.That(collector.Indexes(), Is.EqualTo(Enumerable.Range(0, 60 + gap)), "gapless, duplicate-free, in order");
        var history = requests.Where(u => u.AbsolutePath.EndsWith("/messages", StringComparison.Ordinal)).ToList();
        Assert.That(history.Select(u => System.Web.HttpUtility.ParseQueryString(u.Query)["limit"]), Is.EqualTo(limits), string.Join(", ", history));
    }

    private sealed class RecordingHandler(ConcurrentQueue<Uri> requests) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            requests.Enqueue(request.RequestUri!);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
