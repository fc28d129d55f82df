using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/backoff_jitter_test.md (RTB1): retry delays with backoff and jitter.</summary>
/// <remarks>
/// The backoff and jitter functions are internal; as the spec's implementation notes allow, RTB1a and RTB1b are tested
/// through the <c>retryIn</c> of successive DISCONNECTED changes of a client whose every attempt is refused.
/// </remarks>
[TestFixture]
[Category("uts/realtime/unit/connection/backoff_jitter_test.md")]
public sealed class BackoffJitterTests
{
    private static readonly TimeSpan RetryTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Jitter pinned to 1: RTB1b's coefficient is 1 - 0.2 x a uniform value, and this value is always 0.</summary>
    private sealed class ZeroRandom : Random
    {
        public override double NextDouble() => 0.0;
    }

    /// <summary>The retryIn of the first <paramref name="count"/> DISCONNECTED changes of a client that never connects.</summary>
    private static List<TimeSpan> RetryDelays(int count, Random? random)
    {
        var (scheduler, server) = Uts.Mock();
        server.WithoutHttp().OnConnectionAttempt = c => c.Refuse();
        var client = server.CreateRealtime(o => o with
        {
            DisconnectedRetryTimeout = RetryTimeout,
            ConnectionStateTtl = TimeSpan.FromDays(1),
            AutoConnect = false,
            Random = random ?? o.Random,
        });
        try
        {
            using var changes = new ConnectionRecorder(client.Connection);
            client.Connection.Connect();
            Assert.That(scheduler.AdvanceUntil(() => changes.Into(ConnectionState.Disconnected).Count >= count, TimeSpan.FromDays(1)), Is.True);
            return changes.Into(ConnectionState.Disconnected).Take(count).Select(c => c.RetryIn!.Value).ToList();
        }
        finally
        {
            client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    // UTS: realtime/unit/RTB1a/backoff-coefficient-sequence-0
    [Test]
    [Adapted("The backoff function is internal: the coefficients are read from retryIn (disconnectedRetryTimeout 1 s) of ten successive retries, with the jitter pinned to 1 through ClientOptions.Random")]
    public void RTB1a_BackoffCoefficientFollowsTheSequence()
    {
        var coefficients = RetryDelays(10, new ZeroRandom()).Select(d => d / RetryTimeout).ToList();

        Assert.That(coefficients[0], Is.EqualTo(1.0).Within(1e-6));
        Assert.That(coefficients[1], Is.EqualTo(4.0 / 3.0).Within(1e-6));
        Assert.That(coefficients[2], Is.EqualTo(5.0 / 3.0).Within(1e-6));
        Assert.That(coefficients[3], Is.EqualTo(2.0).Within(1e-6));
        for (var i = 3; i < 10; i++)
        {
            Assert.That(coefficients[i], Is.EqualTo(2.0).Within(1e-6));
        }
    }

    // UTS: realtime/unit/RTB1b/jitter-coefficient-range-0
    [Test]
    [Adapted("The jitter function is internal: 1,000 jitter values are read from the retryIn of retries whose backoff is 2 (the 4th onwards), from the client's seeded random source")]
    public void RTB1b_JitterCoefficientIsBetween08And1()
    {
        var jitter = RetryDelays(1003, random: null).Skip(3).Select(d => d / (RetryTimeout * 2)).ToList();

        Assert.That(jitter, Has.Count.EqualTo(1000));
        Assert.That(jitter, Is.All.InRange(0.8, 1.0));
        var mean = jitter.Average();
        Assert.That(mean, Is.InRange(0.85, 0.95));
        Assert.That(jitter.Max() - jitter.Min(), Is.GreaterThan(0.05));
    }

    // UTS: realtime/unit/RTB1/disconnected-retry-delay-0
    [Test]
    [Adapted("The case takes the first DISCONNECTED after the connection is lost as retry 1, expecting retryIn in [1600, 2000] ms; but RTN15a makes that reconnection immediate and RTN14d defines retryIn as the time until the next attempt, so that change carries retryIn 0. The test checks that, then the backoff sequence on the DISCONNECTED changes that follow, as the case intends.")]
    public async Task RTB1_RTB1a_RTB1b_RetryDelayForDisconnectedConnections()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = 0;
        server.WithoutHttp().OnConnectionAttempt = c =>
        {
            if (++attempts == 1)
            {
                c.RespondWithSuccess(ProtocolFrame.Connected("connection-id", "connection-key", connectionStateTtl: TimeSpan.FromSeconds(60)));
            }
            else
            {
                c.Refuse();
            }
        };
        var timeout = TimeSpan.FromSeconds(2);
        await using var client = server.CreateRealtime(o => o with { DisconnectedRetryTimeout = timeout, AutoConnect = false, UseBinaryProtocol = false });
        using var changes = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        server.Connections[0].Drop();
        for (var i = 0; i < 30 && changes.Into(ConnectionState.Disconnected).Count < 6; i++)
        {
            scheduler.AdvanceTime(5000);
        }

        var delays = changes.Into(ConnectionState.Disconnected).Select(c => c.RetryIn!.Value).ToList();
        Assert.That(delays, Has.Count.GreaterThanOrEqualTo(6));
        Assert.That(delays[0], Is.EqualTo(TimeSpan.Zero), "RTN15a: the first reconnection after a loss is immediate");
        double[] backoff = [1.0, 4.0 / 3.0, 5.0 / 3.0, 2.0, 2.0];
        for (var i = 0; i < 5; i++)
        {
            Assert.That(delays[i + 1], Is.InRange(timeout * backoff[i] * 0.8, timeout * backoff[i]), $"retry {i + 1}");
        }
    }

    // UTS: realtime/unit/RTB1/suspended-channel-retry-delay-1
    [Test]
    [Adapted("The case sends a channel ERROR to start the re-attach attempts (citing RTL13b), but RTL14 makes a channel ERROR move the channel to FAILED at once, with no re-attach; RTL13b applies to a DETACHED from the server, which the test sends instead. ChannelStateChange has no retryIn (TH1-TH6), so each delay is measured from SUSPENDED to the next ATTACHING.")]
    public async Task RTB1_RTB1a_RTB1b_RetryDelayForSuspendedChannels()
    {
        var (scheduler, server) = Uts.Mock();
        var name = "test-RTB1-channel-" + Guid.NewGuid().ToString("N");
        var attaches = 0;
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected("connection-id", "connection-key"));
        server.OnFrameFromClient = (c, frame) =>
        {
            if (frame.Action == ProtocolAction.Attach)
            {
                c.Send(++attaches == 1
                    ? ProtocolFrame.Attached(frame.Channel!)
                    : ProtocolFrame.Detached(frame.Channel!, new ErrorInfo(90001, 500, "Channel re-attach failed")));
            }
        };
        var channelRetry = TimeSpan.FromSeconds(3);
        await using var client = server.CreateRealtime(o => o with { ChannelRetryTimeout = channelRetry, AutoConnect = false, UseBinaryProtocol = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        var channel = client.Channels.Get(name);
        var delays = new List<TimeSpan>();
        DateTimeOffset? suspendedAt = null;
        using var watch = channel.StateChanges.Subscribe(change =>
        {
            if (change.Current == ChannelState.Suspended)
            {
                suspendedAt = scheduler.Now;
            }
            else if (change.Current == ChannelState.Attaching && suspendedAt is { } since)
            {
                delays.Add(scheduler.Now - since);
                suspendedAt = null;
            }
        });
        _ = channel.AttachAsync();
        scheduler.AwaitState(channel, ChannelState.Attached);
        server.LastConnection!.Send(ProtocolFrame.Detached(name, new ErrorInfo(90001, 500, "Channel detached")));
        for (var i = 0; i < 30 && delays.Count < 4; i++)
        {
            scheduler.AdvanceTime(7000);
        }

        Assert.That(delays, Has.Count.GreaterThanOrEqualTo(4));
        double[] backoff = [1.0, 4.0 / 3.0, 5.0 / 3.0, 2.0];
        for (var i = 0; i < 4; i++)
        {
            Assert.That(delays[i], Is.InRange(channelRetry * backoff[i] * 0.8, channelRetry * backoff[i]));
        }
    }
}
