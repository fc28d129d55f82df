using System.Reactive.Concurrency;
using Reliably.Rx.Protocol;
using Reliably.Rx.Streams;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// User code never runs on the connection loop, on the loop's own thread or inside a library lock, whatever the
/// schedulers (real threads, a fake transport): a dedicated loop thread, the same scheduler for both, and schedulers
/// that run work inline.
/// </summary>
[TestFixture]
public sealed class DeliveryThreadTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public static IEnumerable<TestCaseData> Configurations()
    {
        yield return new TestCaseData("EventLoopScheduler as the loop, no delivery scheduler", (Func<EventLoopScheduler, ClientOptions, ClientOptions>)((loop, o) => o with { Scheduler = loop }));
        yield return new TestCaseData("the loop's EventLoopScheduler as the delivery scheduler too", (Func<EventLoopScheduler, ClientOptions, ClientOptions>)((loop, o) => o with { Scheduler = loop, DeliveryScheduler = loop }));
        yield return new TestCaseData("ImmediateScheduler for delivery", (Func<EventLoopScheduler, ClientOptions, ClientOptions>)((_, o) => o with { DeliveryScheduler = ImmediateScheduler.Instance }));
        yield return new TestCaseData("CurrentThreadScheduler for delivery", (Func<EventLoopScheduler, ClientOptions, ClientOptions>)((_, o) => o with { DeliveryScheduler = CurrentThreadScheduler.Instance }));
        yield return new TestCaseData("EventLoopScheduler as the loop, ImmediateScheduler for delivery", (Func<EventLoopScheduler, ClientOptions, ClientOptions>)((loop, o) => o with { Scheduler = loop, DeliveryScheduler = ImmediateScheduler.Instance }));
    }

    [TestCaseSource(nameof(Configurations))]
    public async Task Subscribers_never_run_on_the_loop_or_its_thread_or_inside_a_lock(string name, Func<EventLoopScheduler, ClientOptions, ClientOptions> configure)
    {
        using var loopThread = new EventLoopScheduler();
        var transports = new FakeTransportFactory { OnConnect = t => t.Connected() };
        var options = configure(loopThread, new ClientOptions { Key = "appId.keyId:secret", AutoConnect = false, Endpoint = "localhost" });
        await using var client = new AblyRealtime(options, transports, new FakeAuthProvider(), random: null);
        var loop = client.Connection.Loop;
        var loopThreadId = await OnLoopThread(loop);
        var violations = new List<string>();
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(string what)
        {
            if (loop.IsOnLoop || DeliveryGuard.Active || (options.Scheduler is not null && Environment.CurrentManagedThreadId == loopThreadId))
            {
                lock (violations)
                {
                    violations.Add(what);
                }
            }
        }

        using var states = client.Connection.StateChanges.Subscribe(_ => Check("connection state"));
        client.Connection.Connect();
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var channel = client.Channels.Get("chat");
        using var channelStates = channel.StateChanges.Subscribe(_ => Check("channel state"));
        using var messages = channel.Messages().Subscribe(_ =>
        {
            Check("message");
            received.TrySetResult();
        });
        var transport = transports.Last;

        // The "server" answers once the channel is ATTACHING; the loop handles the frame after that turn.
        await channel.WaitForStateAsync(ChannelState.Attaching, Wait);
        transport.Receive(new ProtocolMessage(ProtocolAction.Attached, "chat") { ChannelSerial = "s0" });
        transport.Receive(new ProtocolMessage(ProtocolAction.Message, "chat") { Id = "f1", ChannelSerial = "s1", Messages = [new Message("a", "1")] });
        await received.Task.WaitAsync(Wait);

        Assert.That(violations, Is.Empty, name);
        if (options.Scheduler is not null && options.DeliveryScheduler is null)
        {
            Assert.That(loop.DeliveryScheduler, Is.SameAs(ThreadPoolScheduler.Instance), "a real loop scheduler does not deliver on its own thread");
        }
    }

    [Test]
    public void In_virtual_time_deliveries_run_on_the_test_scheduler()
    {
        var scheduler = new Microsoft.Reactive.Testing.TestScheduler();
        var loop = new Reliably.Rx.Realtime.ConnectionLoop(new ClientOptions { Key = "a.b:c", Scheduler = scheduler }, new FakeAuthProvider(), new FakeTransportFactory());
        Assert.That(loop.DeliveryScheduler, Is.SameAs(scheduler));
        Assert.That(Reliably.Rx.Realtime.VirtualTime.Is(new HistoricalScheduler()), Is.True);
        Assert.That(Reliably.Rx.Realtime.VirtualTime.Is(new EventLoopScheduler()), Is.False);
    }

    private static async Task<int> OnLoopThread(Reliably.Rx.Realtime.ConnectionLoop loop)
    {
        var id = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Post(() => id.TrySetResult(Environment.CurrentManagedThreadId));
        return await id.Task.WaitAsync(Wait);
    }
}
