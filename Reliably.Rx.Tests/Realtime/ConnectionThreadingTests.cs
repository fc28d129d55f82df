using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Reliably.Rx.Protocol;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// The loop on real threads (the default: turns drained on the thread pool): commands from many threads are serialized,
/// msgSerials are unique and contiguous, each publish is its own frame and keeps its order (RTL6i1),
/// notifications never overlap; and the logs never carry secrets.
/// </summary>
[TestFixture]
public sealed class ConnectionThreadingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Publishes_from_many_threads_get_unique_contiguous_serials_in_per_thread_order()
    {
        var transports = new FakeTransportFactory { OnConnect = t => t.Connected() };
        await using var client = NewClient(transports);
        var validator = new SynchronizationValidator();
        var states = new ConcurrentQueue<ConnectionState>();
        using var sub = validator.Wrap(client.Connection.StateChanges).Subscribe(c => states.Enqueue(c.Current));
        client.Connection.Connect();
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);

        const int threads = 8, perThread = 250;
        var tasks = new ConcurrentBag<Task<PublishResult>>();
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < perThread; i++)
            {
                tasks.Add(client.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Message, "chat") { Messages = [new Message($"{t}:{i}", "x")] }));
            }
        })));

        var transport = transports.Last;
        var sent = await PollAsync(() =>
        {
            var snapshot = Snapshot(client, transport);
            return snapshot.Sum(m => m.Messages!.Length) == threads * perThread ? snapshot : null;
        });

        // RTL6i1: every publish is its own frame, whatever else was waiting; serials count frames.
        Assert.That(sent.Select(m => m.MsgSerial), Is.EqualTo(Enumerable.Range(0, sent.Count).Select(i => (long?)i)));
        Assert.That(sent.All(m => m.Messages!.Length == 1), Is.True, "RTL6i1");
        var names = sent.SelectMany(m => m.Messages!).Select(m => m.Name!).ToList();
        Assert.That(names.Distinct().Count(), Is.EqualTo(threads * perThread), "each publish sent once");
        foreach (var group in names.GroupBy(n => n.Split(':')[0]))
        {
            Assert.That(group.Select(n => int.Parse(n.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)), Is.Ordered, "per-thread order kept");
        }

        client.Loop.Post(() => transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = sent.Count }));
        await Task.WhenAll(tasks).WaitAsync(Wait);
        Assert.That(validator.Overlaps, Is.Zero);
    }

    [Test]
    public async Task The_default_loop_drains_on_the_thread_pool_in_order_with_no_thread_of_its_own()
    {
        await using var client = NewClient(new FakeTransportFactory());
        const int turns = 5_000;
        var order = new List<int>(turns);
        var pool = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < turns; i++)
        {
            var n = i;
            Assert.That(client.Loop.Post(() =>
            {
                // Only the loop touches these: turns never overlap.
                order.Add(n);
                pool += Thread.CurrentThread.IsThreadPoolThread ? 1 : 0;
                if (n == turns - 1)
                {
                    done.TrySetResult();
                }
            }), Is.True);
        }

        await done.Task.WaitAsync(Wait);
        Assert.That(order, Is.EqualTo(Enumerable.Range(0, turns)), "FIFO across drains (a drain yields after 256 turns)");
        Assert.That(pool, Is.EqualTo(turns), "every turn ran on a thread-pool thread");
    }

    [Test]
    public async Task RTN19a_a_publish_staged_in_the_drain_that_loses_the_transport_is_resent_once_after_CONNECTED()
    {
        // Only the first transport answers by itself; the test plays the server of the reconnection.
        var transports = new FakeTransportFactory();
        transports.OnConnect = t =>
        {
            if (transports.Created.Count == 1)
            {
                t.Connected();
            }
        };
        await using var client = NewClient(transports);
        client.Connection.Connect();
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var first = transports.Last;

        // Hold the loop so that the publish, the transport loss and the immediate reconnection (RTN15a) run in one drain.
        using var gate = new ManualResetEventSlim();
        client.Loop.Post(() => gate.Wait(Wait));
        var publish = client.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Message, "chat") { Messages = [new Message("a", "1")] });
        first.Drop();
        gate.Set();

        var second = await PollAsync(() => OnLoop(client, () => transports.Created.Count >= 2 ? transports.Last : null));
        second.Connected(); // the same connectionId: resumed, so the publish keeps msgSerial 0
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var sent = await PollAsync(() => Snapshot(client, second) is { Count: > 0 } frames ? frames : null);
        second.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 });
        await publish.WaitAsync(Wait);

        sent = Snapshot(client, second);
        Assert.That(sent, Has.Count.EqualTo(1), "written once, by the resend after CONNECTED, never ahead of it");
        Assert.That(sent[0].MsgSerial, Is.EqualTo(0));
        Assert.That(sent[0].Messages!.Select(m => m.Name), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public async Task Logs_never_contain_keys_tokens_or_connection_keys()
    {
        var sink = new ListLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Trace));
        var auth = new FakeAuthProvider(basic: false);
        await using (var h = new RealtimeHarness(o => o with { LoggerFactory = factory }, auth))
        {
            var transport = h.ConnectNow("conn-1", "secret-connection-key");
            transport.ReceiveAndClose(new ProtocolMessage(ProtocolAction.Disconnected) { Error = new ErrorInfo(40142, 401, "expired") });
            h.Pump();
            h.Transport.Connected("conn-1", "secret-connection-key-2");
            h.Pump();
            transport.ReceiveMalformed();
            h.Pump();
        }

        var text = string.Join("\n", sink.Lines);
        Assert.That(sink.Lines, Is.Not.Empty);
        Assert.That(text, Does.Not.Contain("secret"));
        Assert.That(text, Does.Not.Contain("token-1").And.Not.Contain("token-2"));
    }

    /// <summary>A client on the default loop (drained on the thread pool) over fake transports.</summary>
    private static AblyRealtime NewClient(FakeTransportFactory transports) => new(
        new ClientOptions { Key = "appId.keyId:secret", Endpoint = "localhost", AutoConnect = false },
        transports,
        new FakeAuthProvider(),
        random: null);

    // The fake records inside loop turns; read it in a loop turn too.
    private static List<ProtocolMessage> Snapshot(AblyRealtime client, FakeTransport transport) =>
        OnLoop(client, () => transport.SentOf(ProtocolAction.Message).ToList());

    private static T OnLoop<T>(AblyRealtime client, Func<T> read)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Loop.Post(() => done.TrySetResult(read()));
        return done.Task.WaitAsync(Wait).GetAwaiter().GetResult();
    }

    private static async Task<T> PollAsync<T>(Func<T?> probe)
        where T : class
    {
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            if (probe() is { } value)
            {
                return value;
            }

            timeout.Token.ThrowIfCancellationRequested();
            await Task.Yield();
        }
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new ListLogger(this);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ListLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue($"{eventId.Id} {formatter(state, exception)} {exception}");
        }
    }
}
