using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/when_state_test.md (RTN26): <c>Connection#whenState</c>.</summary>
/// <remarks>
/// <c>whenState(state, listener)</c> is <see cref="Reliably.Rx.Connection.WaitForStateAsync"/>: a task that completes once
/// when the connection is in the state, at once when it already is. A task completes only once, so "fires once" holds by
/// construction; the cases count the task's continuations to check it.
/// </remarks>
[TestFixture]
[Category("uts/realtime/unit/connection/when_state_test.md")]
public sealed class WhenStateTests
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);

    private static (TestScheduler Scheduler, ScriptedAbly Server) Server()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = 0;
        server.WithoutHttp().OnConnectionAttempt = c =>
        {
            attempts++;
            c.RespondWithSuccess(ProtocolFrame.Connected($"connection-id-{attempts}", $"connection-key-{attempts}"));
        };
        return (scheduler, server);
    }

    // UTS: realtime/unit/RTN26a/immediate-callback-current-state-0
    [Test]
    [Adapted("Task instead of a listener: when the connection is already in the state the task is already complete, with the change that entered that state instead of null")]
    public async Task RTN26a_WhenStateCompletesAtOnceIfAlreadyInState()
    {
        var (scheduler, server) = Server();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        var wait = client.Connection.WaitForStateAsync(ConnectionState.Connected, Long);

        Assert.That(wait.IsCompletedSuccessfully, Is.True, "completed synchronously, before any scheduler step");
        Assert.That(wait.Result.Current, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTN26b/deferred-callback-future-state-0
    [Test]
    public async Task RTN26b_WhenStateWaitsForAStateNotYetReached()
    {
        var (scheduler, server) = Server();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));
        var wait = client.Connection.WaitForStateAsync(ConnectionState.Connected, Long);
        Assert.That(wait.IsCompleted, Is.False);
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        var change = scheduler.Await(wait);

        Assert.That(change, Is.Not.Null);
        Assert.That(change.Previous, Is.AnyOf(ConnectionState.Initialized, ConnectionState.Connecting));
        Assert.That(change.Current, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTN26b/fires-only-once-1
    [Test]
    public async Task RTN26b_WhenStateFiresOnlyOnce()
    {
        var (scheduler, server) = Server();
        await using var client = server.CreateRealtime(o => o with { DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(100), AutoConnect = false });
        var count = 0;
        _ = client.Connection.WaitForStateAsync(ConnectionState.Connected, Long)
            .ContinueWith(_ => count++, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        scheduler.AdvanceTime(50);
        Assert.That(count, Is.EqualTo(1));
        server.LastConnection!.Close();
        changes.AwaitChange(scheduler, ConnectionState.Disconnected, TimeSpan.FromSeconds(2));
        scheduler.AdvanceTime(150);
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        scheduler.AdvanceTime(50);

        Assert.That(client.Connection.Id, Is.EqualTo("connection-id-2"), "precondition: connected a second time");
        Assert.That(count, Is.EqualTo(1));
    }

    // UTS: realtime/unit/RTN26a/multiple-whenstate-calls-1
    [Test]
    public async Task RTN26a_RTN26b_MultipleWhenStateCallsAreIndependent()
    {
        var (scheduler, server) = Server();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        var wait1 = client.Connection.WaitForStateAsync(ConnectionState.Connected, Long);
        var wait2 = client.Connection.WaitForStateAsync(ConnectionState.Connected, Long);
        var wait3 = client.Connection.WaitForStateAsync(ConnectionState.Connecting, Long);
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        scheduler.AdvanceTime(50);

        Assert.That(wait1.IsCompletedSuccessfully, Is.True);
        Assert.That(wait2.IsCompletedSuccessfully, Is.True);
        Assert.That(wait3.IsCompletedSuccessfully, Is.True);
    }

    // UTS: realtime/unit/RTN26a/no-fire-for-past-state-2
    [Test]
    public async Task RTN26a_WhenStateDoesNotFireForAPastState()
    {
        var (scheduler, server) = Server();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        var wait = client.Connection.WaitForStateAsync(ConnectionState.Connecting, Long);
        scheduler.AdvanceTime(200);

        Assert.That(wait.IsCompleted, Is.False);
    }

    // UTS: realtime/unit/RTN26/whenstate-different-states-0
    [Test]
    public async Task RTN26_WhenStateWorksForDifferentStates()
    {
        var (scheduler, server) = Uts.Mock();
        server.WithoutHttp().OnConnectionAttempt = c => c.Refuse();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        var initialized = client.Connection.WaitForStateAsync(ConnectionState.Initialized, Long);
        var connecting = client.Connection.WaitForStateAsync(ConnectionState.Connecting, Long);
        var disconnected = client.Connection.WaitForStateAsync(ConnectionState.Disconnected, Long);
        scheduler.AdvanceTime(50);
        Assert.That(initialized.IsCompletedSuccessfully, Is.True);
        Assert.That(connecting.IsCompleted, Is.False);
        Assert.That(disconnected.IsCompleted, Is.False);
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Disconnected, TimeSpan.FromSeconds(5));
        scheduler.AdvanceTime(50);

        Assert.That(initialized.IsCompletedSuccessfully, Is.True);
        Assert.That(connecting.IsCompletedSuccessfully, Is.True);
        Assert.That(disconnected.IsCompletedSuccessfully, Is.True);
    }
}
