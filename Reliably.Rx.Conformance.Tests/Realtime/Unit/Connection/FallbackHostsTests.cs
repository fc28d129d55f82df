using System.Text.RegularExpressions;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/fallback_hosts_test.md (RTN17): fallback hosts.</summary>
/// <remarks>
/// Before it tries a fallback host the client checks the internet connection (RTN17j). Where a case installs no mock
/// HTTP client, or one that answers everything with <c>{}</c>, its HTTP side here answers the connectivity check with
/// <c>yes</c>, as the UTS heartbeat spec's implementation note advises for SDKs that make that check.
/// </remarks>
[TestFixture]
[Category("uts/realtime/unit/connection/fallback_hosts_test.md")]
public sealed partial class FallbackHostsTests
{
    private static ProtocolFrame Connected => ProtocolFrame.Connected("connection-id", "connection-key");

    [GeneratedRegex(@"\.[abcde]\.fallback\.ably-realtime\.com$")]
    private static partial Regex DefaultFallback();

    /// <summary>The datacenter letter of a fallback host name (<c>main.b.fallback.ably-realtime.com</c> is <c>b</c>).</summary>
    private static string? FallbackId(string host) => DefaultFallback().Match(host) is { Success: true } m ? m.Value.Substring(1, 1) : null;

    // UTS: realtime/unit/RTN17i/prefer-primary-domain-0
    [Test]
    public async Task RTN17i_AlwaysPreferPrimaryDomainFirst()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = new List<string>();
        server.WithInternet().OnConnectionAttempt = c =>
        {
            attempts.Add(c.Host);
            if (attempts.Count == 1)
            {
                c.Refuse();
            }
            else if (attempts.Count == 2)
            {
                c.RespondWithSuccess(Connected);
            }
        };
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(10));

        // "AWAIT_STATE disconnected, clear, then let the next attempt succeed": done the moment DISCONNECTED is observed,
        // before the immediate reconnection (RTN15a) reaches the server.
        var reconnectAttempts = new List<string>();
        using var swap = client.Connection.StateChanges.Subscribe(
            change =>
            {
                if (change.Current == ConnectionState.Disconnected)
                {
                    server.OnConnectionAttempt = c =>
                    {
                        reconnectAttempts.Add(c.Host);
                        c.RespondWithSuccess(ProtocolFrame.Connected("connection-id-2", "connection-key-2"));
                    };
                }
            },
            _ => { });
        server.LastConnection!.Close();
        scheduler.AwaitState(client.Connection, ConnectionState.Connecting, TimeSpan.FromSeconds(5));
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(10));

        Assert.That(reconnectAttempts, Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(reconnectAttempts[0], Does.Contain("realtime.ably"));
    }

    // UTS: realtime/unit/RTN17f/fallback-on-error-0
    [Test]
    [Adapted("The spec's respond_with_error(\"Host unresolvable\") is a network-level failure of the attempt; the scripted server renders it as a refused connection")]
    public async Task RTN17f_ErrorsThatNecessitateFallbackHostUsage()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = new List<string>();
        server.WithInternet().OnConnectionAttempt = c =>
        {
            attempts.Add(c.Host);
            if (attempts.Count == 1)
            {
                c.Refuse();
            }
            else
            {
                c.RespondWithSuccess(Connected);
            }
        };
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(10));

        Assert.That(attempts, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(attempts[0], Does.Contain("realtime.ably"));
        Assert.That(attempts[1], Does.Contain("fallback"));
    }

    // UTS: realtime/unit/RTN17f1/disconnected-5xx-fallback-0
    [Test]
    public async Task RTN17f1_DisconnectedWith5xxTriggersFallback()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = new List<string>();
        server.WithInternet().OnConnectionAttempt = c =>
        {
            attempts.Add(c.Host);
            if (attempts.Count == 1)
            {
                c.Accept();
                c.SendAndClose(ProtocolFrame.Disconnected(new ErrorInfo(50003, 503, "Service temporarily unavailable")));
            }
            else
            {
                c.RespondWithSuccess(Connected);
            }
        };
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(10));

        Assert.That(attempts, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(attempts[0], Does.Contain("realtime.ably"));
        Assert.That(attempts[1], Does.Contain("fallback"));
    }

    // UTS: realtime/unit/RTN17j/connectivity-check-before-fallback-0
    [Test]
    public async Task RTN17j_ConnectivityCheckBeforeFallback()
    {
        var (scheduler, server) = Uts.Mock();
        var requests = new List<(string Url, HttpMethod Method)>();
        server.OnHttpRequest = r =>
        {
            requests.Add((r.Uri.ToString(), r.Method));
            if (r.Uri.ToString().Contains("internet-up", StringComparison.Ordinal))
            {
                r.RespondWith(200, System.Text.Encoding.UTF8.GetBytes("yes"), "text/plain");
            }
            else
            {
                r.RespondWith(200, UtsAuth.TokenResponse(scheduler, "test_token"));
            }
        };
        var attempts = new List<string>();
        server.OnConnectionAttempt = c =>
        {
            attempts.Add(c.Host);
            if (attempts.Count > 1)
            {
                c.RespondWithSuccess(Connected);
            }

            // The first attempt (primary) is never answered: a timeout.
        };
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15));

        var checks = requests.Where(r => r.Url.Contains("internet-up", StringComparison.Ordinal)).ToList();
        Assert.That(checks, Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(checks[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(attempts, Has.Count.GreaterThanOrEqualTo(2));
    }

    // UTS: realtime/unit/RTN17g/empty-fallback-set-error-0
    [Test]
    [Adapted("The deprecated realtimeHost option is not offered (optional since spec 4); endpoint \"custom.example.com\", a host name, gives the same primary domain and no fallback domains (REC1b2, REC2c2)")]
    public async Task RTN17g_EmptyFallbackSetMeansNoFallback()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = new List<string>();
        server.WithInternet().OnConnectionAttempt = c =>
        {
            attempts.Add(c.Host);
            c.Refuse();
        };
        await using var client = server.CreateRealtime(o => o with { Endpoint = "custom.example.com", AutoConnect = false });

        client.Connection.Connect();
        Assert.That(scheduler.AdvanceUntil(
            () => client.Connection.State is ConnectionState.Disconnected or ConnectionState.Failed,
            TimeSpan.FromSeconds(5)), Is.True);
        scheduler.AdvanceTime(2000);

        Assert.That(attempts, Has.Count.EqualTo(1));
        Assert.That(attempts[0], Is.EqualTo("custom.example.com"));
    }

    // UTS: realtime/unit/RTN17h/fallback-domains-from-rec2-0
    [Test]
    public async Task RTN17h_FallbackDomainsDeterminedByRec2()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = new List<string>();
        server.WithInternet().OnConnectionAttempt = c =>
        {
            attempts.Add(c.Host);
            if (attempts.Count == 1)
            {
                c.Refuse();
            }
            else
            {
                c.RespondWithSuccess(Connected);
            }
        };
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(10));

        Assert.That(attempts, Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(attempts[1], Does.Contain("fallback.ably-realtime.com"));
        Assert.That(attempts[1], Does.Match(DefaultFallback().ToString()));
    }

    // UTS: realtime/unit/RTN17j/fallback-random-order-1
    [Test]
    [Adapted("Each iteration's client draws its random choices from a different seed (ClientOptions.Random), standing for the platform's randomness across the spec's five separate clients")]
    public async Task RTN17j_FallbackHostsTriedInRandomOrder()
    {
        var orders = new List<string>();
        for (var iteration = 1; iteration <= 5; iteration++)
        {
            var (scheduler, server) = Uts.Mock(seed: iteration);
            var attempts = new List<string>();
            server.WithInternet().OnConnectionAttempt = c =>
            {
                attempts.Add(c.Host);
                if (attempts.Count <= 3)
                {
                    c.Refuse();
                }
                else
                {
                    c.RespondWithSuccess(Connected);
                }
            };
            await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

            client.Connection.Connect();
            scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(15));
            orders.Add(string.Join(",", attempts.Skip(1)));
            scheduler.Await(client.Connection.CloseAsync());
        }

        Assert.That(orders.Distinct().Count(), Is.GreaterThanOrEqualTo(2), string.Join(" | ", orders));
    }

    // UTS: realtime/unit/RTN17e/http-uses-same-fallback-0
    [Test]
    [Adapted("The case finds the history request by a \"/history\" path and answers it with an object, but RSL2a's history request is GET /channels/<name>/messages, answered with an array of messages; the test finds and answers it by that path.")]
    public async Task RTN17e_HttpRequestsUseTheRealtimeFallbackHost()
    {
        var (scheduler, server) = Uts.Mock();
        var attempts = new List<string>();
        server.OnConnectionAttempt = c =>
        {
            attempts.Add(c.Host);
            if (attempts.Count == 1)
            {
                c.Refuse();
            }
            else
            {
                c.RespondWithSuccess(Connected);
            }
        };
        var requests = new List<ScriptedHttpRequest>();
        server.WithInternet(r =>
        {
            requests.Add(r);
            r.RespondWith(200, r.Path.EndsWith("/messages", StringComparison.Ordinal) ? "[]" : "{}");
        });
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(10));
        var connectedFallback = attempts[1];
        var channel = client.Channels.Get("test-RTN17e-" + Guid.NewGuid().ToString("N"));
        scheduler.Await(channel.HistoryAsync());
        scheduler.AdvanceTime(500);

        var history = requests.Where(r => r.Path == "/channels/" + channel.Name + "/messages").ToList();
        Assert.That(history, Has.Count.EqualTo(1));
        Assert.That(connectedFallback, Is.Not.EqualTo(attempts[0]), "the connection is on a fallback host");
        var historyHost = history[0].Host;
        Assert.That(historyHost, Is.EqualTo(connectedFallback));
        Assert.That(FallbackId(historyHost), Is.EqualTo(FallbackId(connectedFallback)));
    }
}
