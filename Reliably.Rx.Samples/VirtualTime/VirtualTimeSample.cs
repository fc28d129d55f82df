using System.Diagnostics;
using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Testing;

namespace Reliably.Rx.Samples.VirtualTime;

/// <summary>
/// Reconnection logic checked in virtual time, the way an application developer tests their own code: the in-memory
/// Ably of Reliably.Rx.Testing runs on a <see cref="TestScheduler"/>, which is the only clock of the client and the server.
/// Minutes of outage take milliseconds, every event has an exact virtual time, and every run gives the same timeline.
/// No pump loop, no socket, no thread to wait for.
/// </summary>
public static class VirtualTimeSample
{
    /// <summary>Runs the sample (<c>dotnet run --project Reliably.Rx.Samples -- virtual-time</c>).</summary>
    public static Task RunAsync()
    {
        Outage();
        Resume();
        return Task.CompletedTask;
    }

    /// <summary>
    /// A 4-minute outage: DISCONNECTED retries back off 15, 20, 25, 30 s times a jitter in [0.8, 1] (RTB1), SUSPENDED
    /// comes 120 s after the loss (RTN14e), then a retry every 30 s (RTN14f), until the network is back. An application's
    /// own "offline" indicator (here: offline after 20 s away) is checked on the same clock.
    /// </summary>
    private static void Outage()
    {
        Console.WriteLine("== A 4-minute outage, in virtual time ==");
        var wall = Stopwatch.StartNew();
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        var client = ably.CreateRealtime();
        var states = scheduler.CreateObserver<ConnectionStateChange>();
        var online = scheduler.CreateObserver<bool>();
        using (client.Connection.StateChanges.Subscribe(states))
        using (OnlineIndicator(client.Connection, scheduler).Subscribe(online))
        {
            // Connected after a few scheduler steps; one virtual minute later the network goes away for four.
            scheduler.AdvanceTo(TimeSpan.FromMinutes(1).Ticks);
            ably.Network.Outage(TimeSpan.FromMinutes(4));

            // Each retry, exactly when the client announced it (no guessing, no polling), until one succeeds.
            do
            {
                var announced = scheduler.AdvanceToNextRetry(client.Connection, TimeSpan.FromMinutes(10));
                Console.WriteLine($"  t={scheduler.Elapsed().TotalSeconds,7:0.000}s  retry, announced {announced.RetryIn?.TotalSeconds:0.000}s earlier by {announced.Current}");
                scheduler.AdvanceUntil(() => client.Connection.State is not ConnectionState.Connecting, TimeSpan.FromMinutes(1));
            }
            while (client.Connection.State != ConnectionState.Connected);

            // Observers get each change one scheduler step after the client made it: let them catch up.
            scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        }

        foreach (var (at, change) in states.Values())
        {
            Console.WriteLine($"  t={at.TotalSeconds,7:0.000}s  {change.Previous,-12} -> {change.Current,-12} retryIn={change.RetryIn?.TotalSeconds:0.000}s reason={change.Reason?.Code}");
        }

        foreach (var (at, value) in online.Values())
        {
            Console.WriteLine($"  t={at.TotalSeconds,7:0.000}s  indicator: {(value ? "online" : "offline")}");
        }

        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Console.WriteLine($"  {scheduler.Elapsed().TotalMinutes:0.0} virtual minutes took {wall.Elapsed.TotalMilliseconds:0} ms of wall time.");
    }

    /// <summary>A dropped connection is resumed at once (RTN15a), with the same connectionId, and nothing published is lost.</summary>
    private static void Resume()
    {
        Console.WriteLine("== A dropped connection is resumed immediately ==");
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        var client = ably.CreateRealtime();
        var channel = client.Channels.Get("sample:resume");
        var received = scheduler.CreateObserver<Message>();
        using var subscription = channel.Messages().Subscribe(received);
        scheduler.AdvanceUntilCompleted(channel.AttachAsync(), TimeSpan.FromSeconds(10));
        var id = client.Connection.Id!;
        Console.WriteLine($"  t={scheduler.Elapsed().TotalSeconds:0.000000}s connected as {id}; the server now drops the transport");

        using var publisher = ably.CreateRest();
        ably.Faults.DropConnection(id);
        scheduler.AdvanceUntilCompleted(publisher.Channels.Get("sample:resume").PublishAsync("during", "the drop"), TimeSpan.FromSeconds(10));
        scheduler.AdvanceUntil(() => received.Values().Count > 0, TimeSpan.FromSeconds(10));
        Console.WriteLine($"  t={scheduler.Elapsed().TotalSeconds:0.000000}s resumed as {client.Connection.Id} (same id: {client.Connection.Id == id}); " +
            $"received '{received.Values()[0].Value.Name}' published during the drop");
        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>The application's own component: online when CONNECTED, offline once away for 20 s.</summary>
    private static IObservable<bool> OnlineIndicator(Connection connection, System.Reactive.Concurrency.IScheduler scheduler) =>
        connection.StateChanges
            .Select(change => change.Current == ConnectionState.Connected)
            .DistinctUntilChanged()
            .Select(up => up ? Observable.Return(true) : Observable.Return(false).Delay(TimeSpan.FromSeconds(20), scheduler))
            .Switch()
            .DistinctUntilChanged();
}
