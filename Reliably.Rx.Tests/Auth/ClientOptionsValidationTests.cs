using Reliably.Rx.Tests.Http;

namespace Reliably.Rx.Tests.Auth;

[TestFixture]
public sealed class ClientOptionsValidationTests
{
    private static readonly FakeHttpHandler NoHttp = new(_ => throw new AssertionException("no HTTP expected"));

    [TestCase("not-a-key:")]
    [TestCase("appIdkeyId:S3cr3tValue")]
    [TestCase(":S3cr3tValue")]
    [TestCase("app.key:S3cr3t:Value")]
    [TestCase("app.:S3cr3tValue")]
    [TestCase("app.key: S3cr3tValue")]
    public void RSC1_MalformedKeyFailsWith40005(string key)
    {
        var ex = Assert.Throws<AblyException>(() => new AblyRest(new ClientOptions { Key = key, HttpMessageHandlerFactory = () => NoHttp }));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidKey));
        Assert.That(ex.Message, Does.Not.Contain("S3cr3t"), "the key must not be echoed");
    }

    [Test]
    public void RSC1b_NoMeansOfAuthenticationFailsWith40106()
    {
        var ex = Assert.Throws<AblyException>(() => new AblyRest(new ClientOptions()));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.NoAuthMeans));
    }

    [TestCase("")]
    [TestCase("   ")]
    public void RSC1_EmptyKeyStringFailsWith40106(string keyOrToken)
    {
        var ex = Assert.Throws<AblyException>(() => new AblyRest(keyOrToken));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.NoAuthMeans));
    }

    [Test]
    public void RSC1a_StringWithColonIsKeyWithoutIsToken()
    {
        using var keyClient = new AblyRest("appId.keyId:keySecret");
        using var tokenClient = new AblyRest("sometoken");
        Assert.That(keyClient.Auth.IsBasicAuth, Is.True);
        Assert.That(tokenClient.Auth.IsBasicAuth, Is.False);
        Assert.That(tokenClient.Auth.TokenDetails!.Token, Is.EqualTo("sometoken"));
    }

    [Test]
    public void RSA7c_WildcardClientIdInOptionsFailsWith40012()
    {
        var ex = Assert.Throws<AblyException>(() => new AblyRest(new ClientOptions { Key = TestClients.Key, ClientId = "*" }));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidClientId));
    }

    [Test]
    public void RSA15a_TokenDetailsForAnotherClientIdFailsWith40102()
    {
        var ex = Assert.Throws<AblyException>(() => new AblyRest(new ClientOptions
        {
            TokenDetails = new TokenDetails("tok") { ClientId = "bob" },
            ClientId = "alice",
        }));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.IncompatibleCredentials));
    }

    [Test]
    public void RSA15b_WildcardTokenIsCompatibleWithAnyClientId()
    {
        using var rest = new AblyRest(new ClientOptions { TokenDetails = new TokenDetails("tok") { ClientId = "*" }, ClientId = "alice" });
        Assert.That(rest.Auth.ClientId, Is.EqualTo("alice"));
    }

    [Test]
    public void RSC18_BasicAuthOverPlainHttpFailsWith40103()
    {
        var ex = Assert.Throws<AblyException>(() => new AblyRest(new ClientOptions { Key = TestClients.Key, Tls = false }));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InsecureBasicAuth));
        Assert.That(ex.StatusCode, Is.EqualTo(401));
    }

    [Test]
    public void RSC18_AllowInsecureBasicAuthPermitsItForEmulators()
    {
        using var rest = new AblyRest(new ClientOptions { Key = TestClients.Key, Tls = false, AllowInsecureBasicAuth = true });
        Assert.That(rest.Auth.IsBasicAuth, Is.True);
    }

    [Test]
    public void RSC18_TokenAuthOverPlainHttpIsAllowed()
    {
        using var rest = new AblyRest(new ClientOptions { Key = TestClients.Key, Tls = false, UseTokenAuth = true });
        Assert.That(rest.Auth.IsBasicAuth, Is.False);
    }

    [TestCase(0)]
    [TestCase(70000)]
    public void InvalidPortFailsWith40003(int port)
    {
        var ex = Assert.Throws<AblyException>(() => new AblyRest(new ClientOptions { Key = TestClients.Key, Port = port }));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    [TestCase("")]
    [TestCase("http://example.com")]
    [TestCase("nonprod:")]
    public void REC1_InvalidEndpointFailsWith40003(string endpoint)
    {
        var ex = Assert.Throws<AblyException>(() => new AblyRest(new ClientOptions { Key = TestClients.Key, Endpoint = endpoint }));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    [Test]
    public void NegativeRetryCountAndTimeoutFailWith40003()
    {
        Assert.That(Assert.Throws<AblyException>(() => new AblyRest(new ClientOptions { Key = TestClients.Key, HttpMaxRetryCount = -1 }))!.Code,
            Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(Assert.Throws<AblyException>(() => new AblyRest(new ClientOptions { Key = TestClients.Key, HttpRequestTimeout = TimeSpan.Zero }))!.Code,
            Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    [Test]
    public void NullOptionsFailWithAblyException()
    {
        Assert.That(Assert.Throws<AblyException>(() => new AblyRest((ClientOptions)null!))!.Code, Is.EqualTo(ErrorCodes.NoAuthMeans));
    }

    [Test]
    public void HttpClientIsDisposedWithTheClient()
    {
        var handler = new FakeHttpHandler(_ => FakeHttpHandler.Json("[1]"));
        var rest = TestClients.Rest(handler);
        rest.Dispose();
        Assert.That(handler.Disposed, Is.True);
        Assert.That(Assert.ThrowsAsync<AblyException>(() => rest.TimeAsync())!.Code, Is.EqualTo(ErrorCodes.ConnectionClosed));
    }
}
