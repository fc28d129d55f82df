using System.Reflection;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Hygiene;

/// <summary>
/// Resource hygiene against the in-process emulator: thousands of channel lifecycles and subscriptions leave no growth
/// in live objects, managed heap or internal registries, and closing a client completes every stream it owns.
/// Heap is measured as the managed heap size after a forced full, compacting collection, after a warm-up; the emulator
/// runs in the same process, so it is configured to keep bounded state (short history, no frame log).
/// </summary>
[TestFixture]
[Category("Hygiene")]
[NonParallelizable]
public sealed class ResourceHygieneTests
{
    private const long HeapGrowthBound = 4 * 1024 * 1024;
    private const long PerCycleBound = 1024;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private AblyEmulator _emulator = null!;

    [OneTimeSetUp]
    public async Task Start() => _emulator = await AblyEmulator.StartAsync(new EmulatorOptions
    {
        ChannelHistoryLimit = 5,
        FrameLogLimit = 0,
    }).WaitAsync(Wait);

    [OneTimeTearDown]
    public async Task Stop() => await _emulator.DisposeAsync();

    private ClientOptions Options(bool msgpack = true) => new()
    {
        Key = _emulator.DefaultKey,
        Endpoint = "127.0.0.1",
        Port = _emulator.Port,
        Tls = false,
        AllowInsecureBasicAuth = true,
        UseBinaryProtocol = msgpack,
    };

    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        // GC.GetTotalMemory can under-report with the regions-based GC on .NET 8+; the last full GC's heap size is stable.
        GC.GetTotalMemory(forceFullCollection: true);
        return GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
    }

    private static async Task CyclesAsync(AblyRealtime client, int from, int count, int concurrency, List<WeakReference>? released = null)
    {
        // 200 channel names reused, so the emulator's own state is bounded after the warm-up.
        for (var start = from; start < from + count; start += concurrency)
        {
            var batch = Enumerable.Range(start, Math.Min(concurrency, from + count - start)).Select(async i =>
            {
                var name = "hygiene-" + (i % 200);
                var channel = client.Channels.Get(name);
                await channel.AttachAsync();
                await channel.PublishAsync("m", "cycle " + i);
                await channel.DetachAsync();
                Assert.That(await client.Channels.ReleaseAsync(name), Is.True);
                if (released is not null)
                {
                    lock (released)
                    {
                        released.Add(new WeakReference(channel));
                    }
                }
            });
            await Task.WhenAll(batch).WaitAsync(Wait);
        }
    }

    [Test]
    public async Task Ten_thousand_attach_publish_detach_release_cycles_leave_no_growth()
    {
        await using var client = new AblyRealtime(Options());
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var registryBaseline = client.Loop.Channels.Count;

        // Concurrency is 200 = the number of names: no two cycles share a channel at once. The warm-up fills pools
        // (Kestrel and WebSocket buffers, ArrayPool, JIT); the measured 10 000 cycles are sampled every 2 000.
        await CyclesAsync(client, 0, 2_000, concurrency: 200);
        var released = new List<WeakReference>();
        var before = Heap();
        var samples = new List<long> { before };
        for (var segment = 0; segment < 5; segment++)
        {
            await CyclesAsync(client, 2_000 + segment * 2_000, 2_000, concurrency: 200, released: segment == 4 ? released : null);
            samples.Add(Heap());
        }

        // Flush "last work item" references (the loop's and the transport's most recent closures) before the exact check.
        await client.Connection.PingAsync().WaitAsync(Wait);
        await CyclesAsync(client, 0, 1, concurrency: 1);
        await client.Connection.PingAsync().WaitAsync(Wait);
        Heap();
        var after = samples[^1];
        TestContext.Progress.WriteLine("[hygiene] heap every 2 000 cycles (KiB): " + string.Join(" ", samples.Select(x => x / 1024)));
        var growth = after - before;
        TestContext.Progress.WriteLine($"[hygiene] 10 000 channel cycles: heap {before / 1024} KiB -> {after / 1024} KiB ({growth / 1024:+#;-#;0} KiB), registry {client.Loop.Channels.Count}, channels {client.Channels.Count()}");

        Assert.That(client.Channels.Count(), Is.Zero, "every channel released");
        Assert.That(client.Loop.Channels.Count, Is.EqualTo(registryBaseline), "the loop's channel registry is back to its baseline");
        // The heap includes the in-process emulator, whose idempotency window keeps every published message id (up to
        // 100 000 per channel, a few hundred bytes each): linear growth of that order is the server's, not the client's.
        // The client's own objects are checked exactly: every released channel must be collectable.
        // The slope is taken over the last 8 000 cycles: the first measured segment still absorbs heap settling left by
        // earlier fixtures in the same process (seen as a one-off step of a few MiB).
        var perCycle = (samples[^1] - samples[1]) / 8_000;
        TestContext.Progress.WriteLine($"[hygiene] steady growth over the last 8 000 cycles: {perCycle} bytes per cycle");
        Assert.That(perCycle, Is.LessThan(PerCycleBound), $"heap growth per cycle under {PerCycleBound} bytes");
        var alive = released.Where(w => w.IsAlive).Select(w => ((RealtimeChannel?)w.Target)?.Name).ToList();
        TestContext.Progress.WriteLine($"[hygiene] released channels still alive: {alive.Count} of {released.Count} {string.Join(",", alive)}");
        Assert.That(alive.Count, Is.Zero, $"all {released.Count} channels released in the last 2 000 cycles were garbage-collected");
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task A_disposed_client_is_collectable_and_the_remaining_growth_is_the_servers()
    {
        var before = Heap();
        var weak = await RunAndDropAsync(cycles: 2_000);
        var afterClient = Heap();
        await _emulator.DisposeAsync();
        var afterServer = Heap();
        TestContext.Progress.WriteLine($"[hygiene] heap {before / 1024} KiB -> {afterClient / 1024} KiB with the client dropped -> {afterServer / 1024} KiB with the emulator disposed too");
        await Start();

        Assert.That(weak.IsAlive, Is.False, "nothing outside the server keeps a disposed client alive");
    }

    private async Task<WeakReference> RunAndDropAsync(int cycles)
    {
        var client = new AblyRealtime(Options());
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        await CyclesAsync(client, 0, cycles, concurrency: 200);
        TestContext.Progress.WriteLine($"[hygiene] probe: with the client alive {Heap() / 1024} KiB");
        foreach (var owner in new object[] { client, client.Loop, client.Connection, client.Rest, client.Auth })
        {
            foreach (var field in owner.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
            {
                var value = field.GetValue(owner);
                var count = value switch
                {
                    System.Collections.ICollection c => c.Count,
                    _ => value?.GetType().GetProperty("SubscriberCount")?.GetValue(value) as int? ?? value?.GetType().GetProperty("Count")?.GetValue(value) as int? ?? -1,
                };
                if (count >= 0)
                {
                    TestContext.Progress.WriteLine($"[hygiene]   {owner.GetType().Name}.{field.Name}: {count}");
                }
            }
        }

        await client.DisposeAsync();
        return new WeakReference(client);
    }

    [Test]
    public async Task One_thousand_subscribe_dispose_cycles_return_subscriber_counts_to_baseline()
    {
        await using var client = new AblyRealtime(Options(msgpack: false));
        var channel = client.Channels.Get("hygiene-subscribers");
        await channel.AttachAsync().WaitAsync(Wait);
        var baseline = SubscriberCounts(channel);

        void Cycle(int n)
        {
            for (var i = 0; i < n; i++)
            {
                var subscriptions = new List<IDisposable>
                {
                    channel.Messages().Subscribe(_ => { }, _ => { }),
                    channel.Messages("only-this").Subscribe(_ => { }, _ => { }),
                    channel.Discontinuities.Subscribe(_ => { }, _ => { }),
                    channel.StateChanges.Subscribe(_ => { }, _ => { }),
                    channel.SubscriberErrors.Subscribe(_ => { }, _ => { }),
                    channel.Presence.Events.Subscribe(_ => { }, _ => { }),
                    channel.Presence.Members.Subscribe(_ => { }, _ => { }),
                    client.Connection.StateChanges.Subscribe(_ => { }, _ => { }),
                };
                subscriptions.ForEach(s => s.Dispose());
            }
        }

        Cycle(100);
        var before = Heap();
        Cycle(1_000);
        await channel.PublishAsync("after", "cycles").WaitAsync(Wait);
        var after = Heap();
        var counts = SubscriberCounts(channel);
        TestContext.Progress.WriteLine($"[hygiene] 1 000 subscribe/dispose cycles x 8 streams: heap {before / 1024} KiB -> {after / 1024} KiB, subscribers {Describe(counts)} (baseline {Describe(baseline)})");
        Assert.That(counts, Is.EqualTo(baseline), "every subscriber removed from every stream");
        Assert.That(after - before, Is.LessThan(HeapGrowthBound));
    }

    [Test]
    public async Task Closing_a_client_completes_every_stream_it_owns()
    {
        var client = new AblyRealtime(Options());
        var channel = client.Channels.Get("hygiene-complete");
        await channel.AttachAsync().WaitAsync(Wait);
        var streams = new Dictionary<string, TaskCompletionSource>();

        void Watch<T>(string name, IObservable<T> stream)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            streams[name] = done;
            stream.Subscribe(_ => { }, e => done.TrySetException(e), () => done.TrySetResult());
        }

        Watch("Connection.StateChanges", client.Connection.StateChanges);
        Watch("Messages", channel.Messages());
        Watch("Messages(name)", channel.Messages("x"));
        Watch("Discontinuities", channel.Discontinuities);
        Watch("StateChanges", channel.StateChanges);
        Watch("SubscriberErrors", channel.SubscriberErrors);
        Watch("Presence.Events", channel.Presence.Events);
        Watch("Presence.Members", channel.Presence.Members);

        await client.Connection.CloseAsync().WaitAsync(Wait);
        await client.DisposeAsync();
        foreach (var (name, done) in streams)
        {
            Assert.That(async () => await done.Task.WaitAsync(TimeSpan.FromSeconds(10)), Throws.Nothing, name + " completes (not OnError) when the client is disposed");
        }

        Assert.That(SubscriberCounts(channel).Values, Is.All.Zero, "no subscriber is left attached to a completed stream");
    }

    /// <summary>
    /// The subscriber count of each of the channel's and its presence's internal broadcasts, found in their fields and in
    /// the fields of the channel's components (its streams and their feed). A broadcast created on first use that nobody
    /// used yet counts as one with no subscriber.
    /// </summary>
    private static Dictionary<string, int> SubscriberCounts(RealtimeChannel channel)
    {
        var result = new Dictionary<string, int>();
        void Collect(object owner, string prefix, int depth)
        {
            foreach (var field in owner.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic))
            {
                var type = field.FieldType;
                if (type.IsGenericType && type.GetGenericTypeDefinition().Name.StartsWith("LosslessBroadcast", StringComparison.Ordinal))
                {
                    result[prefix + field.Name] = field.GetValue(owner) is { } broadcast
                        ? (int)broadcast.GetType().GetProperty("SubscriberCount")!.GetValue(broadcast)!
                        : 0;
                }
                else if (depth > 0 && type.IsClass && type.Namespace == "Reliably.Rx.Channels" && field.GetValue(owner) is { } component)
                {
                    Collect(component, prefix + field.Name + ".", depth - 1);
                }
            }
        }

        Collect(channel, string.Empty, depth: 2);
        Collect(channel.Presence, "presence.", depth: 0);
        Assert.That(result, Is.Not.Empty, "found the broadcasts");
        return result;
    }

    private static string Describe(Dictionary<string, int> counts) => string.Join(" ", counts.Select(kv => kv.Key + "=" + kv.Value));
}
