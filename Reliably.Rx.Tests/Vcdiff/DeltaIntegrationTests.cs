using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Tests.Channels.Integration;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Vcdiff;

/// <summary>
/// Deltas end to end: the emulator, attached with <c>delta=vcdiff</c> (RTL4k), sends each message as a VCDIFF delta
/// against the previous one; the client decodes every one (RTL19, RTL20) and receives the same documents as a client
/// without deltas, for a fraction of the bytes.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class DeltaIntegrationTests : RealtimeEmulatorFixture
{
    private const int Documents = 200;

    [TestCaseSource(nameof(Formats))]
    public async Task RTL19_a_4KB_document_changing_1_percent_per_message_arrives_intact_in_order_for_a_fraction_of_the_bytes(string format)
    {
        var documents = ChangingDocument(Documents).ToList();
        var (withDeltas, deltaBytes) = await ReceiveAsync(format, documents, delta: true);
        var (whole, wholeBytes) = await ReceiveAsync(format, documents, delta: false);

        Assert.That(withDeltas.Select(m => m.Data), Is.EqualTo(documents), "every document decoded, in order, once");
        Assert.That(withDeltas.Skip(1).All(m => m.Extras?["delta"]?["format"]?.ToString() == "vcdiff"), Is.True, "sent as deltas");
        Assert.That(whole.Select(m => m.Data), Is.EqualTo(documents));
        TestContext.Progress.WriteLine($"{format}: {Documents} documents of ~4 KB: {deltaBytes:N0} bytes received with deltas, {wholeBytes:N0} without ({100.0 * deltaBytes / wholeBytes:0.0}%)");

        // One message per frame: each delta frame still carries about 400 bytes of framing (the frame's ids and
        // serial, the message's serial and idempotent id, encoding, extras.delta), so the ratio stays above the 3% that
        // the payloads alone would give.
        Assert.That(deltaBytes, Is.LessThan(wholeBytes * 15 / 100));
    }

    /// <summary>
    /// 10,000 versions of the document through five faults (two dropped transports, a server DETACHED, a DISCONNECTED
    /// and a connection the server forgot, whose gap history fills): each version decoded, in order, once; and the bytes
    /// it took (every realtime frame, and the history the backfill read over REST) under 10% of the same versions sent
    /// whole, without faults.
    /// </summary>
    [TestCaseSource(nameof(Formats))]
    public async Task RTL18_RTL19_ten_thousand_versions_through_five_faults_arrive_decoded_in_order_once(string format)
    {
        const int total = 10_000;
        var counter = new CountingTransportFactory(new WebSocketTransportFactory(NullLogger.Instance));
        var http = new CountingHttpHandler();
        var subscriber = await ConnectedClient(format, o => o with { TransportFactory = counter, HttpMessageHandlerFactory = () => http });
        var publisher = await ConnectedClient(format);
        var name = UniqueChannel("delta-faults");
        var options = new ChannelOptions { AutoBackfill = true, Params = new Dictionary<string, string> { ["delta"] = "vcdiff" } };
        var channel = subscriber.Channels.Get(name, options);
        var (collector, subscription) = await SubscribeAsync(channel);
        using var owned = subscription;
        var changes = new System.Collections.Concurrent.ConcurrentQueue<ChannelStateChange>();
        using var watch = channel.StateChanges.Subscribe(changes.Enqueue);
        string Changes() => string.Join(", ", changes.TakeLast(12).Select(c => $"{c.Current}{(c.Reason is { } r ? " " + r.Code : "")}{(c.Resumed ? " resumed" : "")}"));
        var faults = new Queue<Func<bool>>(
        [
            () => Emulator.Faults.DropConnection(subscriber.Connection.Id!),
            () => Emulator.Faults.DetachChannel(subscriber.Connection.Id!, name, new Reliably.Rx.Emulator.EmulatorError(90198, 500, "server detach")),
            () => Emulator.Faults.Disconnect(subscriber.Connection.Id!),
            () => Emulator.Faults.ForgetConnection(subscriber.Connection.Id!, dropTransport: true),
            () => Emulator.Faults.DropConnection(subscriber.Connection.Id!),
        ]);

        var target = publisher.Channels.Get(name);
        var pending = new Queue<Task>();
        var sent = 0;
        foreach (var batch in ChangingDocument(total).Chunk(10))
        {
            pending.Enqueue(target.PublishAsync(batch.Select(d => new Message("doc", d)).ToList()));
            sent += batch.Length;
            if (pending.Count >= 4)
            {
                await pending.Dequeue().WaitAsync(Wait);
            }

            if (sent % 2_000 == 0 && faults.Count > 0)
            {
                await Progress(collector.WaitForCountAsync(sent - 1_000, Wait), () => $"{5 - faults.Count} faults injected, {sent} sent, {collector.Count} received; channel {channel.State} ({channel.ErrorReason}), connection {subscriber.Connection.State}; channel changes: {Changes()}; backfilled {channel.BackfilledMessages}; bytes received {counter.Received}, frames {counter.Frames}, last frame {counter.Last}");
                await subscriber.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
                Assert.That(faults.Dequeue()(), Is.True, "fault injected");
            }
        }

        await Task.WhenAll(pending).WaitAsync(Wait);
        await Progress(collector.WaitForCountAsync(total, TimeSpan.FromMinutes(3)), () => $"{collector.Count} received; channel {channel.State} ({channel.ErrorReason}), connection {subscriber.Connection.State}");
        Assert.That(faults, Is.Empty);
        var received = collector.Messages;
        Assert.That(received.Select(m => (string?)m.Data), Is.EqualTo(ChangingDocument(total)), "every version decoded, in order, once");
        Assert.That(received.Count(m => m.Extras?["delta"] is not null), Is.GreaterThan(total * 9 / 10), "most arrived as deltas");
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));

        var deltaBytes = counter.Received + http.Received;
        var wholeBytes = await WholeRunBytesAsync(format, total);
        TestContext.Progress.WriteLine($"{format}: {total} versions through 5 faults: {counter.Received:N0} realtime + {http.Received:N0} history bytes with deltas, {wholeBytes:N0} sent whole ({100.0 * deltaBytes / wholeBytes:0.0}%)");
        Assert.That(deltaBytes, Is.LessThan(wholeBytes / 10), "under 10% of the bytes of the versions sent whole");
    }

    /// <summary>The realtime bytes a subscriber without deltas receives for the same versions, published the same way.</summary>
    private async Task<long> WholeRunBytesAsync(string format, int total)
    {
        var counter = new CountingTransportFactory(new WebSocketTransportFactory(NullLogger.Instance));
        var subscriber = await ConnectedClient(format, o => o with { TransportFactory = counter });
        var publisher = await ConnectedClient(format);
        var name = UniqueChannel("whole");
        var (collector, subscription) = await SubscribeAsync(subscriber.Channels.Get(name));
        using var owned = subscription;
        var before = counter.Received;
        var target = publisher.Channels.Get(name);
        var pending = new Queue<Task>();
        foreach (var batch in ChangingDocument(total).Chunk(10))
        {
            pending.Enqueue(target.PublishAsync(batch.Select(d => new Message("doc", d)).ToList()));
            if (pending.Count >= 4)
            {
                await pending.Dequeue().WaitAsync(Wait);
            }
        }

        await Task.WhenAll(pending).WaitAsync(Wait);
        await collector.WaitForCountAsync(total, TimeSpan.FromMinutes(3));
        return counter.Received - before;
    }

    /// <summary>Awaits a wait, and when it times out says where things stood.</summary>
    private static async Task Progress(Task wait, Func<string> where)
    {
        try
        {
            await wait;
        }
        catch (TimeoutException)
        {
            Assert.Fail("timed out: " + where());
        }
    }

    private async Task<(IReadOnlyList<Message> Received, long Bytes)> ReceiveAsync(string format, IReadOnlyList<string> documents, bool delta)
    {
        var counter = new CountingTransportFactory(new WebSocketTransportFactory(NullLogger.Instance));
        var subscriber = await ConnectedClient(format, o => o with { TransportFactory = counter });
        var publisher = await ConnectedClient(format);
        var name = UniqueChannel(delta ? "delta" : "whole");
        var options = delta ? new ChannelOptions { Params = new Dictionary<string, string> { ["delta"] = "vcdiff" } } : new ChannelOptions();
        var (collector, subscription) = await SubscribeAsync(subscriber.Channels.Get(name, options));
        using var owned = subscription;
        var before = counter.Received;
        var channel = publisher.Channels.Get(name);
        foreach (var document in documents)
        {
            await channel.PublishAsync("doc", document).WaitAsync(Wait);
        }

        await collector.WaitForCountAsync(documents.Count, Wait);
        return (collector.Messages, counter.Received - before);
    }

    /// <summary>A JSON document of 4 KB; each version rewrites one 40-character note, 1% of it.</summary>
    private static IEnumerable<string> ChangingDocument(int versions)
    {
        var notes = Enumerable.Range(0, 95).Select(i => new string((char)('a' + (i % 26)), 40)).ToArray();
        var random = new Random(7);
        for (var v = 0; v < versions; v++)
        {
            notes[random.Next(notes.Length)] = string.Concat(Enumerable.Range(0, 40).Select(_ => (char)('A' + random.Next(26))));
            yield return "{\"sensor\":\"s-7\",\"notes\":[" + string.Join(",", notes.Select(n => "\"" + n + "\"")) + "]}";
        }
    }

    /// <summary>Counts the bytes of every REST response body the client receives (history read by backfill).</summary>
    private sealed class CountingHttpHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private long _received;

        public long Received => Interlocked.Read(ref _received);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref _received, (await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false)).LongLength);
            return response;
        }
    }

    /// <summary>Counts the bytes of every frame the client receives.</summary>
    private sealed class CountingTransportFactory(ITransportFactory inner) : ITransportFactory
    {
        private long _received;
        private long _frames;

        public long Received => Interlocked.Read(ref _received);

        public long Frames => Interlocked.Read(ref _frames);

        public string Last { get; private set; } = string.Empty;

        public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener) =>
            inner.Create(uri, frameKind, new Counting(this, listener));

        private sealed class Counting(CountingTransportFactory owner, ITransportListener inner) : ITransportListener
        {
            public void OnOpened() => inner.OnOpened();

            public void OnFrame(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
            {
                Interlocked.Add(ref owner._received, frame.Length);
                Interlocked.Increment(ref owner._frames);
                owner.Last = kind == TransportFrameKind.Text ? System.Text.Encoding.UTF8.GetString(frame.Span[..Math.Min(300, frame.Length)]) : Convert.ToHexString(frame.Span[..Math.Min(120, frame.Length)]);
                inner.OnFrame(frame, kind);
            }

            public void OnClosed(ErrorInfo reason, bool connectFailure) => inner.OnClosed(reason, connectFailure);
        }
    }
}
