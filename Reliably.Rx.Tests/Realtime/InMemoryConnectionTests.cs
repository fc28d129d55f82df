using Microsoft.Reactive.Testing;
using Reliably.Rx.Testing;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// Connection and presence behaviours that need a server's timers, run against the in-memory Ably (the emulator's
/// server on the test's scheduler) instead of sockets and wall-clock waits: deterministic, with exact virtual times, in
/// JSON and msgpack.
/// </summary>
[TestFixture]
public sealed class InMemoryConnectionTests
{
    public static readonly object[] Formats = { "json", "msgpack" };

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [TestCaseSource(nameof(Formats))]
    public async Task RTN23a_a_silent_server_is_detected_after_maxIdleInterval_plus_realtimeRequestTimeout_and_the_connection_resumed(string format)
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        await using var client = ably.CreateRealtime(o => o with { UseBinaryProtocol = format == "msgpack" });
        var states = scheduler.CreateObserver<ConnectionStateChange>();
        using var _ = client.Connection.StateChanges.Subscribe(states);
        scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, Limit);
        var id = client.Connection.Id!;

        // The server's last HEARTBEAT (every 5 s) came at 5 s; silent from 6 s on, the client's idle timer
        // (maxIdleInterval 15 s + realtimeRequestTimeout 10 s after the last activity) fires at 30 s.
        scheduler.AdvanceTo(TimeSpan.FromSeconds(6).Ticks);
        Assert.That(ably.Faults.SetSilent(id), Is.True);
        scheduler.AdvanceUntil(() => client.Connection.State != ConnectionState.Connected, Limit);
        Assert.That(scheduler.Clock, Is.EqualTo(TimeSpan.FromSeconds(30).Ticks).Within(10), "RTN23a, to a few scheduler steps");

        scheduler.AdvanceUntil(() => states.Values().Any(s => s.Value.Current == ConnectionState.Connected && s.Value.Previous == ConnectionState.Connecting && s.At > TimeSpan.FromSeconds(30)), Limit);
        Assert.That(client.Connection.Id, Is.EqualTo(id), "resumed");
        var disconnected = states.Values().Select(s => s.Value).Single(c => c.Current == ConnectionState.Disconnected);
        Assert.That(disconnected.Reason?.StatusCode, Is.EqualTo(408));
        Assert.That(disconnected.RetryIn, Is.EqualTo(TimeSpan.Zero), "RTN15a: the resume is immediate");
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTN16_a_recovery_key_continues_the_connection_in_a_new_client(string format)
    {
        var scheduler = new TestScheduler();
        var ably = new InMemoryAbly(scheduler);
        Func<ClientOptions, ClientOptions> json = o => o with { UseBinaryProtocol = format == "msgpack" };

        // Client A's process "dies": its network goes away for good, so it never resumes or closes.
        var a = ably.CreateRealtime(json);
        var channel = a.Channels.Get("recover");
        scheduler.AdvanceUntilCompleted(channel.AttachAsync(), Limit);
        var id = a.Connection.Id!;
        var recoveryKey = a.Connection.CreateRecoveryKey();
        Assert.That(recoveryKey, Is.Not.Null);
        ably.Network.Outage(TimeSpan.FromDays(1), a.Options);

        await using var b = ably.CreateRealtime(o => json(o) with { Recover = recoveryKey });
        scheduler.AdvanceUntil(() => b.Connection.State == ConnectionState.Connected, Limit);
        Assert.That(b.Connection.Id, Is.EqualTo(id), "RTN16: same connectionId");
        Assert.That(b.Connection.ErrorReason, Is.Null);
        Assert.That(ably.GetConnections().Single().ConnectionId, Is.EqualTo(id));
        scheduler.AdvanceUntilCompleted(b.Channels.Get("recover").PublishAsync("after-recover", "x"), Limit);
        await a.DisposeAsync();
    }

    [TestCaseSource(nameof(Formats))]
    public async Task AbruptDrop_MemberIsSeenLeaving_AfterTheConfiguredDelay(string format)
    {
        var scheduler = new TestScheduler();
        var leaveDelay = TimeSpan.FromSeconds(15);
        var ably = new InMemoryAbly(scheduler, new InMemoryAblyOptions { Server = new Emulator.EmulatorOptions { PresenceLeaveDelay = leaveDelay } });
        Func<ClientOptions, ClientOptions> options = o => o with { UseBinaryProtocol = format == "msgpack" };
        await using var observer = ably.CreateRealtime(o => options(o) with { ClientId = "observer" });
        await using var leaver = ably.CreateRealtime(o => options(o) with { ClientId = "leaver" });
        var observed = observer.Channels.Get("drop").Presence;
        var events = scheduler.CreateObserver<PresenceMessage>();
        using var _ = observed.Events.Subscribe(events);
        scheduler.AdvanceUntilCompleted(observer.Channels.Get("drop").AttachAsync(), Limit);
        scheduler.AdvanceUntilCompleted(leaver.Channels.Get("drop").Presence.EnterAsync(), Limit);
        scheduler.AdvanceUntil(() => events.Values().Any(e => e.Value.Action == PresenceAction.Enter), Limit);

        // The leaver cannot come back (its network is gone): only the server's timer removes it.
        scheduler.AdvanceTo(TimeSpan.FromSeconds(10).Ticks);
        ably.Network.Outage(TimeSpan.FromDays(1), leaver.Options);
        var stillThere = scheduler.AdvanceUntilCompleted(observed.GetAsync(), Limit);
        Assert.That(stillThere.Any(m => m.ClientId == "leaver"), Is.True, "the member stays until the leave delay has passed");

        scheduler.AdvanceUntil(() => events.Values().Any(e => e.Value.Action == PresenceAction.Leave), Limit);
        var left = events.Values().Single(e => e.Value.Action == PresenceAction.Leave);
        Assert.That(left.Value.ClientId, Is.EqualTo("leaver"));
        Assert.That(left.At - TimeSpan.FromSeconds(10), Is.EqualTo(leaveDelay).Within(TimeSpan.FromMilliseconds(1)), "the configured delay after the loss");
        Assert.That(scheduler.AdvanceUntilCompleted(observed.GetAsync(), Limit).Any(m => m.ClientId == "leaver"), Is.False);
    }
}
