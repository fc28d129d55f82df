using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>Payload round trips and cross-talk between two realtime clients over real WebSockets (JSON and msgpack).</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class ChannelRoundTripTests : RealtimeEmulatorFixture
{
    [TestCaseSource(nameof(Formats))]
    public async Task String_JSON_binary_and_typed_payloads_round_trip_between_two_clients(string format)
    {
        var name = UniqueChannel("rt");
        var subscriber = await ConnectedClient(format);
        var publisher = await ConnectedClient(format == "json" ? "msgpack" : "json");
        var inbound = subscriber.Channels.Get(name);
        var collector = new MessageCollector();
        using var subscription = inbound.Messages().Subscribe(collector);
        await inbound.WaitForStateAsync(ChannelState.Attached, Wait);

        var json = new JObject { ["a"] = 1, ["list"] = new JArray("x", "y"), ["nested"] = new JObject { ["ok"] = true } };
        var outbound = publisher.Channels.Get(name);
        await outbound.PublishAsync("text", "héllo wörld").WaitAsync(Wait);
        await outbound.PublishAsync("json", json).WaitAsync(Wait);
        await outbound.PublishAsync("binary", new byte[] { 0, 1, 2, 255 }).WaitAsync(Wait);
        await outbound.PublishAsync("poco", new Quote { Symbol = "ABC", Bid = 1.25m }).WaitAsync(Wait);
        await collector.WaitForCountAsync(4, Wait);

        var byName = collector.Messages.ToDictionary(m => m.Name!);
        Assert.Multiple(() =>
        {
            Assert.That(byName["text"].Data, Is.EqualTo("héllo wörld"));
            Assert.That(JToken.DeepEquals((JToken)byName["json"].Data!, json), Is.True);
            Assert.That(byName["binary"].Data, Is.EqualTo(new byte[] { 0, 1, 2, 255 }));
            Assert.That(byName["poco"].DataAs<Quote>()!.Bid, Is.EqualTo(1.25m));
            Assert.That(byName["text"].ConnectionId, Is.EqualTo(publisher.Connection.Id));
            Assert.That(byName["text"].Id, Is.Not.Null);
            Assert.That(byName["text"].Timestamp, Is.Not.Null);
            Assert.That(collector.Messages.All(m => m.Encoding is null), Is.True);
        });
    }

    [TestCaseSource(nameof(Formats))]
    public async Task A_client_given_a_dedicated_loop_thread_runs_its_turns_there_and_round_trips(string format)
    {
        // The opt-out from the shared thread pool (docs/architecture.md): the caller's scheduler owns the loop.
        using var loopThread = new System.Reactive.Concurrency.EventLoopScheduler(start => new Thread(start) { IsBackground = true, Name = "dedicated-loop" });
        var client = await ConnectedClient(format, o => o with { Scheduler = loopThread, DeliveryScheduler = System.Reactive.Concurrency.ThreadPoolScheduler.Instance });
        var channel = client.Channels.Get(UniqueChannel("dedicated"));
        var (collector, subscription) = await SubscribeAsync(channel);
        using var _ = subscription;

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => channel.PublishAsync("m" + i, "x"))).WaitAsync(Wait);
        await collector.WaitForCountAsync(200, Wait);
        var turnThread = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Loop.Post(() => turnThread.TrySetResult(Thread.CurrentThread.Name));

        Assert.That(await turnThread.Task.WaitAsync(Wait), Is.EqualTo("dedicated-loop"));
        Assert.That(collector.Messages.Select(m => m.Name), Is.EqualTo(Enumerable.Range(0, 200).Select(i => "m" + i)));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task Encrypted_messages_round_trip_and_history_decrypts_them(string format)
    {
        var name = UniqueChannel("enc");
        var options = new ChannelOptions { Cipher = new CipherParams(CipherParams.GenerateRandomKey(128)) };
        var subscriber = await ConnectedClient(format);
        var publisher = await ConnectedClient(format);
        var inbound = subscriber.Channels.Get(name, options);
        var collector = new MessageCollector();
        using var subscription = inbound.Messages().Subscribe(collector);
        await inbound.WaitForStateAsync(ChannelState.Attached, Wait);

        await publisher.Channels.Get(name, options).PublishAsync(new[]
        {
            new Message("text", "secret"),
            new Message("json", new JObject { ["k"] = "v" }),
            new Message("binary", new byte[] { 7, 7, 7 }),
        }).WaitAsync(Wait);
        await collector.WaitForCountAsync(3, Wait);
        Assert.That(collector.Messages.Select(m => m.Data is JToken t ? t.ToString(Newtonsoft.Json.Formatting.None) : m.Data),
            Is.EqualTo(new object[] { "secret", "{\"k\":\"v\"}", new byte[] { 7, 7, 7 } }));

        var history = await inbound.HistoryAsync(untilAttach: true).WaitAsync(Wait);
        Assert.That(history.Items, Is.Empty, "RTL10b: nothing before the attach point");
        var all = await inbound.HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Forwards }).WaitAsync(Wait);
        Assert.That(all.Items.Select(m => m.Name), Is.EqualTo(new[] { "text", "json", "binary" }));
        Assert.That(all.Items[0].Data, Is.EqualTo("secret"));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task Two_clients_cross_talk_and_echo_is_honoured(string format)
    {
        var name = UniqueChannel("talk");
        var a = await ConnectedClient(format);
        var b = await ConnectedClient(format, o => o with { EchoMessages = false });
        var fromA = new MessageCollector();
        var fromB = new MessageCollector();
        var channelA = a.Channels.Get(name);
        var channelB = b.Channels.Get(name);
        using var sa = channelA.Messages().Subscribe(fromB);
        using var sb = channelB.Messages().Subscribe(fromA);
        await channelA.WaitForStateAsync(ChannelState.Attached, Wait);
        await channelB.WaitForStateAsync(ChannelState.Attached, Wait);

        await channelA.PublishAsync("a", "from a").WaitAsync(Wait);
        await channelB.PublishAsync("b", "from b").WaitAsync(Wait);
        await fromA.WaitForCountAsync(1, Wait);
        await fromB.WaitForCountAsync(2, Wait);
        Assert.That(fromA.Messages.Select(m => m.Name), Is.EqualTo(new[] { "a" }), "b does not echo its own message");
        Assert.That(fromB.Messages.Select(m => m.Name), Is.EqualTo(new[] { "a", "b" }), "a echoes (default)");
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTL6_a_NACK_faults_the_publish_and_RTL14_a_channel_error_fails_the_channel(string format)
    {
        var name = UniqueChannel("nack");
        var client = await ConnectedClient(format);
        var channel = client.Channels.Get(name);
        Emulator.Faults.NackNextPublishes(1, new Reliably.Rx.Emulator.EmulatorError(40099, 400, "forced"));
        var ex = Assert.ThrowsAsync<AblyException>(() => channel.PublishAsync("n", "d").WaitAsync(Wait));
        Assert.That(ex!.Code, Is.EqualTo(40099));

        await channel.AttachAsync().WaitAsync(Wait);
        Emulator.Faults.FailChannel(client.Connection.Id!, name, new Reliably.Rx.Emulator.EmulatorError(40160, 401, "not allowed"));
        var failed = await channel.WaitForStateAsync(ChannelState.Failed, Wait);
        Assert.That(failed.Reason?.Code, Is.EqualTo(40160));
        Assert.That(channel.ErrorReason?.Code, Is.EqualTo(40160));
    }

    public sealed class Quote
    {
        public string? Symbol { get; set; }

        public decimal Bid { get; set; }
    }
}
