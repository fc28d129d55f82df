using System.Net;
using System.Net.Sockets;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Samples.VirtualTime;

/// <summary>
/// Reconnection logic checked in virtual time, the way an application developer would: the client gets a
/// <see cref="VirtualClock"/> as its scheduler, the test watches <see cref="Connection.StateChanges"/> and fast-forwards
/// the clock by each <see cref="ConnectionStateChange.RetryIn"/>. Minutes of outage take milliseconds, with real sockets.
/// </summary>
public static class VirtualTimeSample
{
    /// <summary>Runs the sample (<c>dotnet run --project Reliably.Rx.Samples -- virtual-time</c>).</summary>
    public static async Task RunAsync()
    {
        await OutageAsync().ConfigureAwait(false);
        await ResumeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A server that refuses every connection for 4 virtual minutes: DISCONNECTED retries back off 15, 20, 25, 30 s
    /// times a jitter in [0.8, 1] (RTB1), SUSPENDED comes 120 s after the first attempt (RTN14e), then a retry every
    /// 30 s (RTN14f).
    /// </summary>
    private static async Task OutageAsync()
    {
        Console.WriteLine("== An outage of 4 minutes, in virtual time ==");
        var clock = new VirtualClock();
        var options = new ClientOptions
        {
            Key = "demo.key:secret",
            Endpoint = "127.0.0.1",
            Port = ClosedLoopbackPort(),
            Tls = false,
            AllowInsecureBasicAuth = true,
            AutoConnect = false,
            Scheduler = clock,
        };

        await using var client = new AblyRealtime(options);
        var changes = new List<(TimeSpan At, ConnectionStateChange Change)>();
        using var recorder = client.Connection.StateChanges.Subscribe(
            change =>
            {
                // Delivered while the clock advances, so clock.Elapsed is the virtual time of the change.
                changes.Add((clock.Elapsed, change));
                Console.WriteLine($"  t={clock.Elapsed.TotalSeconds,6:0.0}s  {change.Previous,-12} -> {change.Current,-12} retryIn={change.RetryIn?.TotalSeconds:0.0}s reason={change.Reason?.Code}");
            },
            ex => Console.WriteLine("  stream error: " + ex.Message));

        var started = DateTime.UtcNow;
        client.Connection.Connect();
        var seen = 0;
        TimeSpan? suspendedAt = null;
        while (clock.Elapsed < TimeSpan.FromMinutes(4))
        {
            // Let the real socket refuse the attempt, then jump straight to the retry the client announced.
            await PumpUntilAsync(clock, () => changes.Count > seen && changes[^1].Change.Current is ConnectionState.Disconnected or ConnectionState.Suspended).ConfigureAwait(false);
            seen = changes.Count;
            var (at, waiting) = changes[^1];
            if (waiting.Current == ConnectionState.Suspended)
            {
                suspendedAt ??= at;
            }

            // Exactly to the announced retry: overshooting would let the next attempt's connect timeout fire before the
            // socket's answer could be delivered.
            var retryAt = at + (waiting.RetryIn ?? TimeSpan.Zero);
            if (retryAt > clock.Elapsed)
            {
                clock.AdvanceBy(retryAt - clock.Elapsed);
            }
        }

        Console.WriteLine($"  SUSPENDED after {suspendedAt?.TotalSeconds:0.0} virtual seconds; 4 virtual minutes took {(DateTime.UtcNow - started).TotalMilliseconds:0} ms of wall time.");
        await CloseAsync(client, clock).ConfigureAwait(false);
    }

    /// <summary>A dropped transport is resumed at once (RTN15a) with the same connectionId, no timer involved.</summary>
    private static async Task ResumeAsync()
    {
        Console.WriteLine("== A dropped connection is resumed immediately ==");
        await using var emulator = await AblyEmulator.StartAsync().ConfigureAwait(false);
        var clock = new VirtualClock();
        await using var client = new AblyRealtime(new ClientOptions
        {
            Key = emulator.DefaultKey,
            Endpoint = "127.0.0.1",
            Port = emulator.Port,
            Tls = false,
            AllowInsecureBasicAuth = true,
            Scheduler = clock,
        });

        var changes = new List<ConnectionStateChange>();
        using var recorder = client.Connection.StateChanges.Subscribe(
            change =>
            {
                changes.Add(change);
                Console.WriteLine($"  t={clock.Elapsed.TotalSeconds,6:0.0}s  {change.Previous,-12} -> {change.Current,-12} retryIn={change.RetryIn?.TotalSeconds:0.0}s reason={change.Reason?.Code}");
            },
            ex => Console.WriteLine("  stream error: " + ex.Message));

        await PumpUntilAsync(clock, () => client.Connection.State == ConnectionState.Connected).ConfigureAwait(false);
        var id = client.Connection.Id!;
        Console.WriteLine($"  connected as {id}; the emulator now drops the transport");

        var before = changes.Count;
        emulator.Faults.DropConnection(id);

        // DISCONNECTED and the immediate CONNECTING happen in one loop turn (RTN15a), so watch the changes, not State.
        await PumpUntilAsync(clock, () => changes.Skip(before).Any(c => c.Current == ConnectionState.Disconnected)
            && client.Connection.State == ConnectionState.Connected).ConfigureAwait(false);
        Console.WriteLine($"  resumed as {client.Connection.Id} (same id: {client.Connection.Id == id}) at t={clock.Elapsed.TotalSeconds:0.0}s: no timer was involved");
        await CloseAsync(client, clock).ConfigureAwait(false);
    }

    /// <summary>Commands run on the client's loop, which runs on the virtual clock: keep it moving until CLOSED.</summary>
    private static async Task CloseAsync(AblyRealtime client, VirtualClock clock)
    {
        var close = client.Connection.CloseAsync();
        await PumpUntilAsync(clock, () => close.IsCompleted).ConfigureAwait(false);
        await close.ConfigureAwait(false);
        Console.WriteLine($"  {client.Connection.State} at t={clock.Elapsed.TotalSeconds:0.0}s");
    }

    /// <summary>Advances the clock a tick at a time, yielding so socket threads can deliver, until the condition holds.</summary>
    private static async Task PumpUntilAsync(VirtualClock clock, Func<bool> condition)
    {
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            giveUp.Token.ThrowIfCancellationRequested();
            clock.AdvanceBy(TimeSpan.FromTicks(1));
            await Task.Yield();
        }
    }

    /// <summary>A loopback port nobody listens on: connections to it are refused at once.</summary>
    private static int ClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
