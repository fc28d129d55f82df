using Reliably.Rx.Tests.Http;

namespace Reliably.Rx.Tests.Auth;

[TestFixture]
public sealed class ClientIdTests
{
    private static FakeHttpHandler Status() => new(r => r.Host == "auth.example.com"
        ? FakeHttpHandler.Token("url-token")
        : FakeHttpHandler.Json("{\"channelId\":\"test\",\"status\":{\"isActive\":true}}"));

    [Test]
    public void RSA7a_ClientIdFromOptions()
    {
        using var rest = TestClients.Rest(Status(), o => o with { ClientId = "my-client-id" });
        Assert.That(rest.Auth.ClientId, Is.EqualTo("my-client-id"));
    }

    [Test]
    public void RSA7b_ClientIdFromTokenDetails()
    {
        using var rest = TestClients.Rest(Status(), o => o with { Key = null, TokenDetails = new TokenDetails("t") { ClientId = "token-client-id" } });
        Assert.That(rest.Auth.ClientId, Is.EqualTo("token-client-id"));
    }

    [Test]
    public async Task RSA7b_ClientIdFromAuthCallbackToken()
    {
        using var rest = TestClients.Rest(Status(), o => o with
        {
            Key = null,
            AuthCallback = (_, _) => Task.FromResult<object>(new TokenDetails("callback-token") { ClientId = "callback-client-id" }),
        });

        await rest.Channels.Get("test").StatusAsync();

        Assert.That(rest.Auth.ClientId, Is.EqualTo("callback-client-id"));
    }

    [Test]
    public void RSA7c_ClientIdNullWhenUnidentified()
    {
        using var basic = TestClients.Rest(Status());
        using var anonymousToken = TestClients.Rest(Status(), o => o with { Key = null, TokenDetails = new TokenDetails("t") });
        Assert.That(basic.Auth.ClientId, Is.Null);
        Assert.That(anonymousToken.Auth.ClientId, Is.Null);
    }

    [Test]
    public async Task RSA12b_ClientIdFromOptionsIsSentToTheAuthUrl()
    {
        var handler = Status();
        using var rest = TestClients.Rest(handler, o => o with { Key = null, AuthUrl = new Uri("https://auth.example.com/token"), ClientId = "url-client-id" });

        await rest.Channels.Get("test").StatusAsync();

        Assert.That(handler.Requests[0].Host, Is.EqualTo("auth.example.com"));
        Assert.That(handler.Requests[0].Query["clientId"], Is.EqualTo("url-client-id"));
    }

    [Test]
    public async Task RSA7_ClientIdFollowsTheTokenAfterAuthorize()
    {
        var count = 0;
        using var rest = TestClients.Rest(Status(), o => o with
        {
            Key = null,
            AuthCallback = (_, _) =>
            {
                var n = Interlocked.Increment(ref count);
                return Task.FromResult<object>(new TokenDetails("token-" + n) { ClientId = "client-" + n });
            },
        });

        await rest.Channels.Get("test").StatusAsync();
        Assert.That(rest.Auth.ClientId, Is.EqualTo("client-1"));
        await rest.Auth.AuthorizeAsync();
        Assert.That(rest.Auth.ClientId, Is.EqualTo("client-2"));
    }

    [Test]
    public void RSA12_WildcardTokenClientIdIsReported()
    {
        using var rest = TestClients.Rest(Status(), o => o with { Key = null, TokenDetails = new TokenDetails("wildcard") { ClientId = "*" } });
        Assert.That(rest.Auth.ClientId, Is.EqualTo("*"));
    }

    [TestCase("client-a", "client-a", true)]
    [TestCase("client-a", "client-b", false)]
    [TestCase("client-a", null, true)]
    [TestCase("client-a", "*", true)]
    [TestCase(null, "client-b", true)]
    public void RSA15a_ClientIdConsistencyBetweenOptionsAndToken(string? optionsClientId, string? tokenClientId, bool compatible)
    {
        ClientOptions Options(ClientOptions o) => o with { Key = null, ClientId = optionsClientId, TokenDetails = new TokenDetails("t") { ClientId = tokenClientId } };
        if (compatible)
        {
            using var rest = TestClients.Rest(Status(), Options);
            Assert.That(rest.Auth.ClientId, Is.EqualTo(optionsClientId ?? tokenClientId));
        }
        else
        {
            var ex = Assert.Throws<AblyException>(() => TestClients.Rest(Status(), Options));
            Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.IncompatibleCredentials));
            Assert.That(ex.Message, Does.Contain("clientId"));
        }
    }
}
