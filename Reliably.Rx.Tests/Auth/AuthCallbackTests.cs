using System.Net;
using System.Text;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Tests.Http;

namespace Reliably.Rx.Tests.Auth;

[TestFixture]
public sealed class AuthCallbackTests
{
    private static HttpResponseMessage Respond(CapturedRequest r) => r.Path switch
    {
        "/keys/appId.keyId/requestToken" => FakeHttpHandler.Token("exchanged-token"),
        "/channels/c/messages" => FakeHttpHandler.Json("[]"),
        _ => throw new AssertionException("unexpected " + r.Path),
    };

    private static string? BearerToken(CapturedRequest r) =>
        r.Header("Authorization") is { } h && h.StartsWith("Bearer ", StringComparison.Ordinal)
            ? h["Bearer ".Length..]
            : null;

    [Test]
    public async Task RSA8d_CallbackReturningTokenStringIsUsedAsBearer()
    {
        var calls = 0;
        var handler = new FakeHttpHandler(Respond);
        using var rest = TestClients.Rest(handler, o => o with { Key = null, AuthCallback = (_, _) => { calls++; return Task.FromResult<object>("cb-token"); } });

        await rest.Channels.Get("c").HistoryAsync();

        Assert.That(calls, Is.EqualTo(1));
        Assert.That(handler.Requests.Single().Header("Authorization"), Is.EqualTo("Bearer cb-token"), "RSA3b");
    }

    [Test]
    public async Task RSA8d_CallbackReturningTokenDetailsIsUsed()
    {
        var handler = new FakeHttpHandler(Respond);
        using var rest = TestClients.Rest(handler, o => o with { Key = null, AuthCallback = (_, _) => Task.FromResult<object>(new TokenDetails("details-token")) });

        await rest.Channels.Get("c").HistoryAsync();

        Assert.That(BearerToken(handler.Requests.Single()), Is.EqualTo("details-token"));
        Assert.That(rest.Auth.TokenDetails!.Token, Is.EqualTo("details-token"));
    }

    [Test]
    public async Task RSA8d_CallbackReturningTokenRequestIsExchangedWithoutAuthorization()
    {
        var handler = new FakeHttpHandler(Respond);
        using var signer = TestClients.Rest(new FakeHttpHandler(_ => throw new AssertionException("no HTTP")));
        using var rest = TestClients.Rest(handler, o => o with
        {
            Key = null,
            AuthCallback = async (p, ct) => await signer.Auth.CreateTokenRequestAsync(p, cancellationToken: ct),
        });

        await rest.Channels.Get("c").HistoryAsync();

        var exchange = handler.Requests[0];
        Assert.Multiple(() =>
        {
            Assert.That(exchange.Method, Is.EqualTo(HttpMethod.Post));
            Assert.That(exchange.Path, Is.EqualTo("/keys/appId.keyId/requestToken"));
            Assert.That(exchange.Header("Authorization"), Is.Null, "a signed TokenRequest needs no credentials");
            Assert.That(exchange.ContentType, Is.EqualTo("application/json"), "token requests are always JSON");
            Assert.That((string?)exchange.BodyJson["mac"], Is.Not.Empty);
            Assert.That(BearerToken(handler.Requests[1]), Is.EqualTo("exchanged-token"));
        });
    }

    [Test]
    public void RSA8d_CallbackReturningSomethingElseFailsWith40170()
    {
        using var rest = TestClients.Rest(new FakeHttpHandler(Respond), o => o with { Key = null, AuthCallback = (_, _) => Task.FromResult<object>(42) });
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.AuthCallbackError));
        Assert.That(ex.StatusCode, Is.EqualTo(401), "RSA4e: 40170 with statusCode 401");
    }

    [Test]
    public void RSA4e_ThrowingCallbackFailsWith40170AndKeepsTheCause()
    {
        using var rest = TestClients.Rest(new FakeHttpHandler(Respond), o => o with
        {
            Key = null,
            AuthCallback = (_, _) => throw new AblyException(40300, 403, "denied by my server"),
        });
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.AuthCallbackError));
        Assert.That(ex.StatusCode, Is.EqualTo(401), "RSA4e: 40170 with statusCode 401");
        Assert.That(ex.ErrorInfo.Cause?.Code, Is.EqualTo(40300));
    }

    [Test]
    public async Task RSA4c_ACallbackThatNeverAnswersFailsWith40170AfterRealtimeRequestTimeoutAndTheNextRequestAsksAgain()
    {
        // Times are the client's scheduler's: nothing happens until the test advances it.
        var scheduler = new TestScheduler();
        var calls = 0;
        CancellationToken first = default;
        var never = new TaskCompletionSource<object>();
        using var rest = TestClients.Rest(new FakeHttpHandler(Respond), o => o with
        {
            Key = null,
            RealtimeRequestTimeout = TimeSpan.FromSeconds(5),
            AuthCallback = (_, ct) =>
            {
                if (++calls == 1)
                {
                    first = ct;
                    return never.Task;
                }

                return Task.FromResult<object>("second-token");
            },
        }, scheduler);

        var hung = rest.Channels.Get("c").HistoryAsync();
        scheduler.AdvanceBy(TimeSpan.FromSeconds(4.9).Ticks);
        Assert.That(hung.IsCompleted, Is.False, "still within realtimeRequestTimeout");
        scheduler.AdvanceBy(TimeSpan.FromSeconds(0.2).Ticks);

        var ex = Assert.ThrowsAsync<AblyException>(() => hung.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.That((ex!.Code, ex.StatusCode), Is.EqualTo((ErrorCodes.AuthCallbackError, 401)), "RSA4c, RSA4e: 40170");
        Assert.That(first.IsCancellationRequested, Is.True, "the callback is told that its answer is no longer wanted");

        await rest.Channels.Get("c").HistoryAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(calls, Is.EqualTo(2), "the next request asked the callback again instead of waiting for the first");
    }

    [Test]
    public async Task RSA8d_CallbackReceivesMergedTokenParamsWithClientId()
    {
        TokenParams? seen = null;
        using var rest = TestClients.Rest(new FakeHttpHandler(Respond), o => o with
        {
            Key = null,
            ClientId = "alice",
            DefaultTokenParams = new TokenParams { Ttl = TimeSpan.FromMinutes(10), Capability = "{\"c\":[\"history\"]}" },
            AuthCallback = (p, _) => { seen = p; return Task.FromResult<object>("t"); },
        });

        await rest.Auth.RequestTokenAsync(new TokenParams { Ttl = TimeSpan.FromMinutes(2) });

        Assert.That(seen!.Ttl, Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(seen.Capability, Is.EqualTo("{\"c\":[\"history\"]}"));
        Assert.That(seen.ClientId, Is.EqualTo("alice"));
    }

    [Test]
    public void RSA15c_TokenForAnotherClientIdFailsWith40102()
    {
        using var rest = TestClients.Rest(new FakeHttpHandler(Respond), o => o with
        {
            Key = null,
            ClientId = "alice",
            AuthCallback = (_, _) => Task.FromResult<object>(new TokenDetails("t") { ClientId = "mallory" }),
        });
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.IncompatibleCredentials));
    }

    [Test]
    public async Task RSA12_ClientIdComesFromTheTokenWhenNotConfigured()
    {
        using var rest = TestClients.Rest(new FakeHttpHandler(Respond), o => o with
        {
            Key = null,
            AuthCallback = (_, _) => Task.FromResult<object>(new TokenDetails("t") { ClientId = "from-token" }),
        });
        Assert.That(rest.Auth.ClientId, Is.Null);
        await rest.Auth.AuthorizeAsync();
        Assert.That(rest.Auth.ClientId, Is.EqualTo("from-token"));
    }

    [Test]
    public void RSA8_ServerRejectingTheTokenRequestSurfacesItsError()
    {
        var handler = new FakeHttpHandler(r => FakeHttpHandler.Error(HttpStatusCode.Unauthorized, 40101, "bad mac"));
        using var rest = TestClients.Rest(handler, o => o with { UseTokenAuth = true });
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Auth.RequestTokenAsync());
        Assert.That(ex!.Code, Is.EqualTo(40101));
    }
}
