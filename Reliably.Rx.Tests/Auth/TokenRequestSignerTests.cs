using Microsoft.Reactive.Testing;
using Reliably.Rx.Auth;
using Reliably.Rx.Tests.Http;

namespace Reliably.Rx.Tests.Auth;

[TestFixture]
public sealed class TokenRequestSignerTests
{
    [Test]
    public void RSA9g_MacMatchesHandComputedValue()
    {
        // Computed independently: base64(HMAC-SHA256("keySecret", "appId.keyId\n3600000\n{\"*\":[\"*\"]}\nalice\n1700000000000\n0123456789abcdef\n")).
        var request = new TokenRequest
        {
            KeyName = "appId.keyId",
            Ttl = TimeSpan.FromHours(1),
            Capability = "{\"*\":[\"*\"]}",
            ClientId = "alice",
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
            Nonce = "0123456789abcdef",
        };

        Assert.That(TokenRequestSigner.SignedText(request), Is.EqualTo("appId.keyId\n3600000\n{\"*\":[\"*\"]}\nalice\n1700000000000\n0123456789abcdef\n"));
        Assert.That(TokenRequestSigner.ComputeMac(request, "keySecret"), Is.EqualTo("s71J6/pAocgv3MT+cZfeFw8ZH/riZEuK5r/8QMLfGnI="));
    }

    [Test]
    public void RSA9g_AbsentFieldsAreEmptyLines()
    {
        var request = new TokenRequest
        {
            KeyName = "appId.keyId",
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
            Nonce = "0123456789abcdef",
        };

        Assert.That(TokenRequestSigner.ComputeMac(request, "keySecret"), Is.EqualTo("hof9jY3Ir8CZuMxMW/MEF7NHdZ61VWK2ByjCJDseUO0="));
    }

    [Test]
    public void RSA9g_MacMatchesAblyJsTrace()
    {
        // WIRE-TRACES.md 3, rest-json: the requestToken body ably-js 2.28.0 sent for key appId.keyId:keySecret.
        var request = new TokenRequest
        {
            KeyName = "appId.keyId",
            Ttl = TimeSpan.FromMilliseconds(60000),
            ClientId = "tok-client",
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1795849256524),
            Nonce = "0786455354491180",
        };

        Assert.That(TokenRequestSigner.ComputeMac(request, "keySecret"), Is.EqualTo("Q4ySmbObw7IhHNewr2+O2bE74j2XEdoHDiufNHoHFd0="));
    }

    [Test]
    public async Task RSA9_CreateTokenRequestUsesSchedulerClockClientIdAndFreshNonce()
    {
        var scheduler = new TestScheduler();
        scheduler.AdvanceTo(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_123_456).UtcTicks);
        var handler = new FakeHttpHandler(_ => throw new AssertionException("no HTTP expected"));
        using var rest = TestClients.Rest(handler, o => o with { ClientId = "alice" }, scheduler);

        var first = await rest.Auth.CreateTokenRequestAsync(new TokenParams { Ttl = TimeSpan.FromMinutes(5), Capability = "{\"a\":[\"publish\"]}" });
        var second = await rest.Auth.CreateTokenRequestAsync();

        Assert.Multiple(() =>
        {
            Assert.That(first.KeyName, Is.EqualTo("appId.keyId"));
            Assert.That(first.ClientId, Is.EqualTo("alice"), "RSA7d: defaults to the client's clientId");
            Assert.That(first.Timestamp.ToUnixTimeMilliseconds(), Is.EqualTo(1_700_000_123_456));
            Assert.That(first.Ttl, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(first.Nonce, Has.Length.GreaterThanOrEqualTo(16));
            Assert.That(second.Nonce, Is.Not.EqualTo(first.Nonce));
            Assert.That(first.Mac, Is.EqualTo(TokenRequestSigner.ComputeMac(first with { Mac = string.Empty }, "keySecret")));
            Assert.That(handler.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task RSA9d_QueryTimeAsksTheServerOnceAndKeepsTheOffset()
    {
        var scheduler = new TestScheduler();
        scheduler.AdvanceTo(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000).UtcTicks);
        var handler = new FakeHttpHandler(r => r.Path == "/time" ? FakeHttpHandler.Json("[5000000]") : throw new AssertionException(r.Path));
        using var rest = TestClients.Rest(handler, o => o with { QueryTime = true }, scheduler);

        var first = await rest.Auth.CreateTokenRequestAsync();
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        var second = await rest.Auth.CreateTokenRequestAsync();

        Assert.That(first.Timestamp.ToUnixTimeMilliseconds(), Is.EqualTo(5_000_000));
        Assert.That(second.Timestamp.ToUnixTimeMilliseconds(), Is.EqualTo(5_001_000));
        Assert.That(handler.Requests.Count(r => r.Path == "/time"), Is.EqualTo(1));
        Assert.That(handler.Requests[0].Header("Authorization"), Is.Null, "RSC16: /time is unauthenticated");
    }

    [Test]
    public void RSA9c_ShortNonceIsRejected()
    {
        using var rest = TestClients.Rest(new FakeHttpHandler(_ => throw new AssertionException("no HTTP")));
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Auth.CreateTokenRequestAsync(new TokenParams { Nonce = "short" }));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    [Test]
    public void RSA9a_NoKeyMeansNoTokenRequest()
    {
        using var rest = TestClients.Rest(new FakeHttpHandler(_ => throw new AssertionException("no HTTP")), o => o with { Key = null, Token = "tok" });
        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Auth.CreateTokenRequestAsync());
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.NoAuthMeans));
    }
}
