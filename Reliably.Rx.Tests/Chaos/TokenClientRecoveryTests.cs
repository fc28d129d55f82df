using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Chaos;

/// <summary>
/// Token clients that must not stop for good, as they did in long chaos runs. Against a server whose clock jumps (the chaos
/// run's clock skew), a token can be expired by the server's clock when the client offers it, while the client's own clock
/// says it is valid, or cannot be trusted to say anything (RSA4b1: a fresh token that already looked expired): the client
/// must keep renewing, one renewal per connection request (RTN14b), until the server accepts a token. An authCallback that
/// never answers fails the attempt (RSA4c) and must not leave every later attempt waiting for it.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class TokenClientRecoveryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(45);

    /// <summary>
    /// The server's token expiry (DISCONNECTED 40142) renews the token (RTN15h2); the server's clock then jumps past the
    /// renewed token's expiry before the resume reaches it (ERROR 40142), and the connection goes DISCONNECTED (RTN14b).
    /// The retry offers the renewed token again, which the client cannot know is expired: its first token already looked
    /// expired by the local clock, so the local clock is not trusted (RSA4b1). That retry's token error must renew again;
    /// before, a renewal earlier in the cycle stopped every later one, and the client retried the rejected token for good.
    /// </summary>
    [Test]
    public async Task RTN15h2_RTN14b_a_renewed_token_the_servers_clock_passed_is_renewed_on_the_retry_and_the_connection_resumes()
    {
        var serverClock = new SkewedClock { Offset = TimeSpan.FromSeconds(-60) };
        await using var emulator = await AblyEmulator.StartAsync(new EmulatorOptions { TimeProvider = serverClock }).WaitAsync(Wait);
        using var issuer = new AblyRest(ChaosRun.ClientOptions(emulator, msgpack: false));
        var issued = 0;
        var options = ChaosRun.TokenClientOptions(emulator, issuer, msgpack: true, Ttl) with
        {
            AuthCallback = async (_, ct) =>
            {
                var token = await issuer.Auth.RequestTokenAsync(new TokenParams { Ttl = Ttl }, cancellationToken: ct).ConfigureAwait(false);
                if (Interlocked.Increment(ref issued) == 2)
                {
                    // The server's clock jumps forward by more than the token's lifetime after issuing it.
                    serverClock.Offset += Ttl + TimeSpan.FromSeconds(15);
                }

                return token;
            },
        };
        await using var client = new AblyRealtime(options);
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var id = client.Connection.Id!;
        var rejected = client.Connection.StateChanges
            .FirstAsync(c => c.Current == ConnectionState.Disconnected && c.Reason?.Code == 40142 && Volatile.Read(ref issued) >= 2)
            .ToTask();
        var resumed = client.Connection.StateChanges
            .FirstAsync(c => c.Current == ConnectionState.Connected && Volatile.Read(ref issued) >= 3)
            .ToTask();

        Assert.That(emulator.Faults.ExpireConnectionToken(id), Is.True);
        await rejected.WaitAsync(Wait);
        try
        {
            await resumed.WaitAsync(Wait);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"no CONNECTED within {Wait.TotalSeconds} s of the renewed token's rejection: {client.Connection.State} " +
                $"({client.Connection.ErrorReason?.Code}), {Volatile.Read(ref issued)} tokens issued");
        }

        Assert.That(client.Connection.Id, Is.EqualTo(id), "the connection resumed (RTN15h2, RTN15c6)");
        Assert.That(Volatile.Read(ref issued), Is.EqualTo(3), "one renewal for the DISCONNECTED, one for the retry's token error");
        Assert.That(client.Auth.TokenDetails?.Token, Is.Not.Null);
    }

    /// <summary>
    /// RSA4c: obtaining a token that takes longer than realtimeRequestTimeout fails the attempt with 80019 and the client
    /// goes DISCONNECTED and retries (RSA4c2). The retry must ask the authCallback again: a callback that never answers
    /// (a stalled token server, a request lost in a process stall) must not hold every later attempt.
    /// </summary>
    [Test]
    public async Task RSA4c_RSA4c2_an_authCallback_that_never_answers_fails_the_attempt_and_the_retry_asks_again()
    {
        await using var emulator = await AblyEmulator.StartAsync(new EmulatorOptions()).WaitAsync(Wait);
        using var issuer = new AblyRest(ChaosRun.ClientOptions(emulator, msgpack: false));
        var calls = 0;
        var never = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = ChaosRun.TokenClientOptions(emulator, issuer, msgpack: true, Ttl) with
        {
            RealtimeRequestTimeout = TimeSpan.FromSeconds(1),
            DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(200),
            AutoConnect = false,
            AuthCallback = async (_, ct) => Interlocked.Increment(ref calls) == 1
                ? await never.Task.ConfigureAwait(false)
                : await issuer.Auth.RequestTokenAsync(new TokenParams { Ttl = Ttl }, cancellationToken: ct).ConfigureAwait(false),
        };
        await using var client = new AblyRealtime(options);
        var failed = client.Connection.StateChanges.FirstAsync(c => c.Current == ConnectionState.Disconnected).ToTask();
        client.Connect();

        var change = await failed.WaitAsync(Wait);
        Assert.That(change.Reason?.Code, Is.EqualTo(ErrorCodes.AuthCallbackFailed), "RSA4c1: 80019");
        try
        {
            await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        }
        catch (AblyException)
        {
            Assert.Fail($"no CONNECTED within {Wait.TotalSeconds} s of the timed-out authCallback: {client.Connection.State} " +
                $"({client.Connection.ErrorReason?.Code}), authCallback called {Volatile.Read(ref calls)} times");
        }

        Assert.That(Volatile.Read(ref calls), Is.GreaterThanOrEqualTo(2), "the retry asked the authCallback again");
    }
}
