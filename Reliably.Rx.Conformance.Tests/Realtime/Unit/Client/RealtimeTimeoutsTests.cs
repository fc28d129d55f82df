using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Client;

/// <summary>uts/realtime/unit/client/realtime_timeouts.md (RTC7): the configured timeouts, and the defaults.</summary>
[TestFixture]
[Category("uts/realtime/unit/client/realtime_timeouts.md")]
public sealed class RealtimeTimeoutsTests
{
    private static (TestScheduler Scheduler, ScriptedAbly Server, AblyRealtime Client) Connected(Func<ClientOptions, ClientOptions> configure)
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("connection-id", "connection-key"));
        var client = server.CreateRealtime(o => configure(o with { AutoConnect = false }));
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        return (scheduler, server, client);
    }

    // UTS: realtime/unit/RTC7/attach-request-timeout-0
    [Test]
    public async Task RTC7_RealtimeRequestTimeoutAppliedToChannelAttach()
    {
        var (scheduler, _, client) = Connected(o => o with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(500) });
        await using var __ = client;
        var channel = client.Channels.Get("test-RTC7-attach-" + Guid.NewGuid().ToString("N"));

        // The server never answers the ATTACH.
        var attach = channel.AttachAsync();
        scheduler.AdvanceTime(600);
        var error = scheduler.AwaitFailure(attach, TimeSpan.Zero);

        Assert.That(error, Is.Not.Null);
        Assert.That(channel.State, Is.EqualTo(ChannelState.Suspended), "RTL4f: an attach timeout leaves the channel SUSPENDED");
    }

    // UTS: realtime/unit/RTC7/detach-request-timeout-1
    [Test]
    public async Task RTC7_RealtimeRequestTimeoutAppliedToChannelDetach()
    {
        var (scheduler, server, client) = Connected(o => o with { RealtimeRequestTimeout = TimeSpan.FromMilliseconds(500) });
        await using var __ = client;
        var name = "test-RTC7-detach-" + Guid.NewGuid().ToString("N");
        var ignoreDetach = false;
        server.OnFrameFromClient = (c, frame) =>
        {
            if (frame.Action == ProtocolAction.Attach)
            {
                c.Send(ProtocolFrame.Attached(name));
            }
            else if (frame.Action == ProtocolAction.Detach && !ignoreDetach)
            {
                c.Send(ProtocolFrame.Detached(name));
            }
        };
        var channel = client.Channels.Get(name);
        scheduler.Await(channel.AttachAsync());

        ignoreDetach = true;
        var detach = channel.DetachAsync();
        scheduler.AdvanceTime(600);
        var error = scheduler.AwaitFailure(detach, TimeSpan.Zero);

        Assert.That(error, Is.Not.Null);
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached), "RTL5f: a detach timeout returns the channel to ATTACHED");
    }

    // UTS: realtime/unit/RTC7/disconnected-retry-timeout-2
    [Test]
    public async Task RTC7_DisconnectedRetryTimeoutControlsReconnectionDelay()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = 0;
        server.OnConnectionAttempt = c =>
        {
            if (++attempts == 1)
            {
                c.RespondWithSuccess(ProtocolFrame.Connected("connection-id", "connection-key", maxIdleInterval: TimeSpan.Zero));
            }
            else
            {
                c.Refuse();
            }
        };
        server.WithInternet(r => r.RespondWith(200, System.Text.Encoding.UTF8.GetBytes("yes"), "text/plain"));
        await using var client = server.CreateRealtime(o => o with
        {
            AutoConnect = false,
            DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(2000),
            FallbackHosts = Array.Empty<string>(),
        });
        using var changes = new ConnectionRecorder(client.Connection);
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        Assert.That(attempts, Is.EqualTo(1));

        // RTN15a: the first reconnection is immediate; it is refused, and the client waits disconnectedRetryTimeout.
        server.LastConnection!.Close();
        scheduler.AdvanceUntil(() => attempts == 2 && client.Connection.State == ConnectionState.Disconnected, Uts.DefaultLimit);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        var afterImmediate = attempts;

        scheduler.AdvanceTime(1500);
        Assert.That(attempts, Is.EqualTo(afterImmediate), "no retry before disconnectedRetryTimeout");
        scheduler.AdvanceTime(1500);

        Assert.That(attempts, Is.GreaterThan(afterImmediate));
    }

    // UTS: realtime/unit/RTC7/default-timeouts-applied-3
    [Test]
    public async Task RTC7_DefaultTimeoutsAppliedWhenNotConfigured()
    {
        var (_, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        Assert.That(client.Options.RealtimeRequestTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(10_000)));
        Assert.That(client.Options.DisconnectedRetryTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(15_000)));
        Assert.That(client.Options.SuspendedRetryTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(30_000)));
        Assert.That(client.Options.HttpOpenTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(4_000)));
        Assert.That(client.Options.HttpRequestTimeout, Is.EqualTo(TimeSpan.FromMilliseconds(10_000)));
    }
}
