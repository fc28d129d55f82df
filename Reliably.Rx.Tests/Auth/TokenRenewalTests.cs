using System.Net;
using System.Reactive.Linq;
using System.Text;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Auth;
using Reliably.Rx.Tests.Http;

namespace Reliably.Rx.Tests.Auth;

[TestFixture]
public sealed class TokenRenewalTests
{
    private static string? Bearer(CapturedRequest r) =>
        r.Header("Authorization") is { } h && h.StartsWith("Bearer ", StringComparison.Ordinal)
            ? h["Bearer ".Length..]
            : null;

    /// <summary>Rejects the token "stale" with 40142 and accepts any other.</summary>
    private static HttpResponseMessage RejectStale(CapturedRequest r) =>
        Bearer(r) == "stale" ? FakeHttpHandler.Error(HttpStatusCode.Unauthorized, ErrorCodes.TokenExpired, "Token expired") : FakeHttpHandler.Json("[]");

    [Test]
    public async Task RSA4b4_TokenErrorRenewsOnceAndRetries()
    {
        var issued = 0;
        var handler = new FakeHttpHandler(RejectStale);
        using var rest = TestClients.Rest(handler, o => o with
        {
            Key = null,
            TokenDetails = new TokenDetails("stale"),
            AuthCallback = (_, _) => Task.FromResult<object>("fresh-" + Interlocked.Increment(ref issued)),
        });

        var page = await rest.Channels.Get("c").HistoryAsync();

        Assert.That(page.Items, Is.Empty);
        Assert.That(issued, Is.EqualTo(1));
        Assert.That(handler.Requests.Select(Bearer), Is.EqualTo(new[] { "stale", "fresh-1" }));
    }

    [Test]
    public void RSA4b4_SecondTokenErrorIsNotRetriedAgain()
    {
        var issued = 0;
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Error(HttpStatusCode.Unauthorized, ErrorCodes.TokenRevoked, "revoked"));
        using var rest = TestClients.Rest(handler, o => o with
        {
            Key = null,
            AuthCallback = (_, _) => Task.FromResult<object>("t" + Interlocked.Increment(ref issued)),
        });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.TokenRevoked));
        Assert.That(handler.Requests, Has.Count.EqualTo(2), "one request, one retry after renewal");
        Assert.That(issued, Is.EqualTo(2));
    }

    [Test]
    public void RSA4a2_TokenOnlyClientFailsWith40171WhenTheTokenIsRejected()
    {
        var handler = new FakeHttpHandler(RejectStale);
        using var rest = TestClients.Rest(handler, o => o with { Key = null, Token = "stale" });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.NoMeansToRenewToken));
        Assert.That(ex.ErrorInfo.Cause?.Code, Is.EqualTo(ErrorCodes.TokenExpired));
        Assert.That(handler.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void RSA4b1_KnownExpiredTokenWithoutRenewalFailsWith40171BeforeSending()
    {
        var scheduler = new TestScheduler();
        scheduler.AdvanceTo(DateTimeOffset.FromUnixTimeMilliseconds(2_000_000_000_000).UtcTicks);
        var handler = new FakeHttpHandler(RejectStale);
        using var rest = TestClients.Rest(handler, o => o with
        {
            Key = null,
            TokenDetails = new TokenDetails("old") { Expires = DateTimeOffset.FromUnixTimeMilliseconds(1_999_999_999_000) },
        }, scheduler);

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.NoMeansToRenewToken));
        Assert.That(handler.Requests, Is.Empty);
    }

    [Test]
    public async Task RSA4b1_TokenExpiredBySchedulerClockIsRenewedBeforeTheRequest()
    {
        var scheduler = new TestScheduler();
        scheduler.AdvanceTo(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000_000_000).UtcTicks);
        var issued = 0;
        var handler = new FakeHttpHandler(RejectStale);
        using var rest = TestClients.Rest(handler, o => o with
        {
            Key = null,
            AuthCallback = (_, _) => Task.FromResult<object>(new TokenDetails("tok" + Interlocked.Increment(ref issued))
            {
                Expires = DateTimeOffset.FromUnixTimeMilliseconds(1_000_000_060_000),
            }),
        }, scheduler);
        var channel = rest.Channels.Get("c");

        await channel.HistoryAsync();
        await channel.HistoryAsync();
        scheduler.AdvanceBy(TimeSpan.FromSeconds(61).Ticks);
        await channel.HistoryAsync();

        Assert.That(handler.Requests.Select(Bearer), Is.EqualTo(new[] { "tok1", "tok1", "tok2" }));
    }

    [Test]
    public async Task RSA4b1_ALocalClockAheadOfTheServerDoesNotRenewEveryRequest()
    {
        // The client's clock is two hours ahead of the server that issues one-hour tokens.
        var scheduler = new TestScheduler();
        scheduler.AdvanceTo(DateTimeOffset.FromUnixTimeMilliseconds(1_700_007_200_000).UtcTicks);
        var serverNow = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        var issued = 0;
        var handler = new FakeHttpHandler(RejectStale);
        using var rest = TestClients.Rest(handler, o => o with
        {
            Key = null,
            AuthCallback = (_, _) => Task.FromResult<object>(new TokenDetails("tok" + Interlocked.Increment(ref issued))
            {
                Issued = serverNow,
                Expires = serverNow.AddHours(1),
            }),
        }, scheduler);

        await rest.Channels.Get("c").HistoryAsync();
        await rest.Channels.Get("c").HistoryAsync();

        Assert.That(issued, Is.EqualTo(1));
    }

    [Test]
    public async Task RSA4b_ConcurrentRejectionsShareOneTokenRequest()
    {
        var tokenRequests = 0;
        var rejected = 0;
        var allRejected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new FakeHttpHandler(r =>
        {
            var response = RejectStale(r);
            if (Bearer(r) == "stale" && Interlocked.Increment(ref rejected) == 20)
            {
                allRejected.SetResult();
            }

            return response;
        });
        using var rest = TestClients.Rest(handler, o => o with
        {
            Key = null,
            TokenDetails = new TokenDetails("stale"),
            AuthCallback = async (_, _) =>
            {
                Interlocked.Increment(ref tokenRequests);
                await release.Task;
                return "fresh";
            },
        });
        var channel = rest.Channels.Get("c");

        var calls = Enumerable.Range(0, 20).Select(_ => Task.Run(() => channel.HistoryAsync())).ToArray();

        // The token request is held until every caller has been rejected, so all 20 overlap with the renewal.
        await allRejected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(tokenRequests, Is.EqualTo(1));
        Assert.That(handler.Requests.Count(r => Bearer(r) == "fresh"), Is.EqualTo(20));
    }

    [Test]
    public async Task RSA10_AuthorizeSwitchesBasicToTokenAndAnnouncesTheCredentials()
    {
        var handler = new FakeHttpHandler(r => r.Path.EndsWith("/requestToken", StringComparison.Ordinal)
            ? FakeHttpHandler.Token("authorized")
            : FakeHttpHandler.Json("[]"));
        using var rest = TestClients.Rest(handler);
        var provider = (IAuthProvider)rest.Auth;
        var announced = new List<AuthCredentials>();
        using var registration = provider.OnAuthorize(credentials =>
        {
            announced.Add(credentials);
            return Task.CompletedTask;
        });

        Assert.That(rest.Auth.IsBasicAuth, Is.True);
        var token = await rest.Auth.AuthorizeAsync(new TokenParams { Ttl = TimeSpan.FromMinutes(1) });
        await rest.Channels.Get("c").HistoryAsync();

        Assert.Multiple(() =>
        {
            Assert.That(token.Token, Is.EqualTo("authorized"));
            Assert.That(rest.Auth.IsBasicAuth, Is.False);
            Assert.That(provider.UsesBasicAuth, Is.False);
            Assert.That(Bearer(handler.Requests[^1]), Is.EqualTo("authorized"));
            Assert.That((long?)handler.Requests[0].BodyJson["ttl"], Is.EqualTo(60000));
            Assert.That(announced.Select(c => c.Token!.Token), Is.EqualTo(new[] { "authorized" }));
        });
    }

    [Test]
    public async Task RSA10_AuthorizeAlwaysObtainsANewTokenEvenIfTheCurrentIsValid()
    {
        var issued = 0;
        using var rest = TestClients.Rest(new FakeHttpHandler(_ => FakeHttpHandler.Json("[]")), o => o with
        {
            Key = null,
            AuthCallback = (_, _) => Task.FromResult<object>("t" + Interlocked.Increment(ref issued)),
        });

        await rest.Auth.AuthorizeAsync();
        var second = await rest.Auth.AuthorizeAsync();

        Assert.That(second.Token, Is.EqualTo("t2"));
    }

    [Test]
    public async Task RSA8e_RequestTokenWithAuthOptionsUsesThemWithoutChangingTheClient()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json("[]"));
        using var rest = TestClients.Rest(handler);

        var token = await rest.Auth.RequestTokenAsync(null, new AuthOptions { AuthCallback = (_, _) => Task.FromResult<object>("per-call") });

        Assert.That(token.Token, Is.EqualTo("per-call"));
        Assert.That(rest.Auth.IsBasicAuth, Is.True);
        Assert.That(rest.Auth.TokenDetails, Is.Null);
    }

    [Test]
    public async Task AuthCredentialsNeverRevealSecrets()
    {
        using var rest = TestClients.Rest(new FakeHttpHandler(_ => FakeHttpHandler.Json("[]")));
        var credentials = await ((IAuthProvider)rest.Auth).GetCredentialsAsync(CancellationToken.None);
        Assert.That(credentials.ToString(), Does.Not.Contain("keySecret"));
        Assert.That(new TokenDetails("secret-token").ToString(), Does.Not.Contain("secret-token"));
    }
}
