using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Auth;

/// <summary>uts/rest/unit/auth/client_id.md (RSA7, RSA12, RSA15): the client's identity.</summary>
[TestFixture]
[Category("uts/rest/unit/auth/client_id.md")]
public sealed class ClientIdTests
{
    private const string StatusJson = """{"channelId":"test","status":{"isActive":true}}""";

    private static MockHttp AnsweringStatus() => new(req => req.RespondWith(200, StatusJson));

    // UTS: rest/unit/RSA7a/clientid-from-options-0
    [Test]
    public void RSA7a_ClientIdFromClientOptions()
    {
        using var client = new MockHttp().Rest(o => o with { Key = "appId.keyId:keySecret", ClientId = "my-client-id" });

        Assert.That(client.Auth.ClientId, Is.EqualTo("my-client-id"));
    }

    // UTS: rest/unit/RSA7b/clientid-from-token-details-0
    [Test]
    public void RSA7b_ClientIdFromTokenDetails()
    {
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with { Key = null, TokenDetails = mock.Token("token-with-clientId", clientId: "token-client-id") });

        Assert.That(client.Auth.ClientId, Is.EqualTo("token-client-id"));
    }

    // UTS: rest/unit/RSA7b/clientid-from-callback-token-1
    [Test]
    public void RSA7b_ClientIdFromAuthCallbackTokenDetails()
    {
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with
        {
            Key = null,
            AuthCallback = MockHttp.Callback(_ => mock.Token("callback-token", clientId: "callback-client-id")),
        });

        mock.Await(client.Channels.Get("test").StatusAsync());

        Assert.That(client.Auth.ClientId, Is.EqualTo("callback-client-id"));
    }

    // UTS: rest/unit/RSA7c/clientid-null-unidentified-0
    [Test]
    public void RSA7c_ClientIdNullWhenUnidentified()
    {
        using var client = new MockHttp().Rest(o => o with { Key = "appId.keyId:keySecret" });

        Assert.That(client.Auth.ClientId, Is.Null);
    }

    // UTS: rest/unit/RSA7c/clientid-null-unidentified-token-1
    [Test]
    public void RSA7c_ClientIdNullWithUnidentifiedToken()
    {
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with { Key = null, TokenDetails = mock.Token("token-without-clientId") });

        Assert.That(client.Auth.ClientId, Is.Null);
    }

    // UTS: rest/unit/RSA12a/clientid-passed-to-callback-0
    [Test]
    public void RSA12a_ClientIdPassedToAuthCallbackInTokenParams()
    {
        var received = new List<TokenParams>();
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with
        {
            Key = null,
            ClientId = "library-client-id",
            AuthCallback = MockHttp.Callback(p =>
            {
                received.Add(p);
                return mock.Token("tok");
            }),
        });

        mock.Await(client.Channels.Get("test").StatusAsync());

        Assert.That(received, Has.Count.GreaterThanOrEqualTo(1));
        Assert.That(received[0].ClientId, Is.EqualTo("library-client-id"));
    }

    // UTS: rest/unit/RSA12b/clientid-sent-to-authurl-0
    [Test]
    public void RSA12b_ClientIdSentToAuthUrl()
    {
        MockHttp mock = null!;
        mock = new MockHttp(req => req.RespondWith(200, req.Host == "auth.example.com" ? mock.TokenJson("url-token") : StatusJson));
        using var client = mock.Rest(o => o with { Key = null, AuthUrl = new Uri("https://auth.example.com/token"), ClientId = "url-client-id" });

        mock.Await(client.Channels.Get("test").StatusAsync());

        var authRequest = mock.Requests[0];
        Assert.That(authRequest.Host, Is.EqualTo("auth.example.com"));
        if (authRequest.Method == HttpMethod.Get)
        {
            Assert.That(authRequest.Query("clientId"), Is.EqualTo("url-client-id"));
        }
        else
        {
            Assert.That(System.Web.HttpUtility.ParseQueryString(authRequest.BodyText)["clientId"], Is.EqualTo("url-client-id"));
        }
    }

    // UTS: rest/unit/RSA7/clientid-updated-after-authorize-0
    [Test]
    public void RSA7_ClientIdUpdatedAfterAuthorize()
    {
        var count = 0;
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with
        {
            Key = null,
            AuthCallback = MockHttp.Callback(_ =>
            {
                count++;
                return mock.Token("token-" + count, clientId: "client-" + count);
            }),
        });

        mock.Await(client.Channels.Get("test").StatusAsync());
        Assert.That(client.Auth.ClientId, Is.EqualTo("client-1"));

        mock.Await(client.Auth.AuthorizeAsync());
        Assert.That(client.Auth.ClientId, Is.EqualTo("client-2"));
    }

    // UTS: rest/unit/RSA12/wildcard-clientid-0
    [Test]
    public void RSA12_WildcardClientId()
    {
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with { Key = null, TokenDetails = mock.Token("wildcard-token", clientId: "*") });

        Assert.That(client.Auth.ClientId, Is.EqualTo("*"));
    }

    // UTS: rest/unit/RSA7/clientid-mismatch-error-1
    [TestCase("client-a", "client-a", null, TestName = "RSA7_ClientIdConsistencyBetweenClientOptionsAndToken(1 same)")]
    [TestCase("client-a", "client-b", "error", TestName = "RSA7_ClientIdConsistencyBetweenClientOptionsAndToken(2 mismatch)")]
    [TestCase("client-a", null, null, TestName = "RSA7_ClientIdConsistencyBetweenClientOptionsAndToken(3 token without clientId)")]
    [TestCase("client-a", "*", null, TestName = "RSA7_ClientIdConsistencyBetweenClientOptionsAndToken(4 wildcard token)")]
    [TestCase(null, "client-b", null, TestName = "RSA7_ClientIdConsistencyBetweenClientOptionsAndToken(5 inherited)")]
    public void RSA7_ClientIdConsistencyBetweenClientOptionsAndToken(string? optionsClientId, string? tokenClientId, string? expected)
    {
        var mock = AnsweringStatus();

        // The spec lets the mismatch be found at construction or at first use; Reliably.Rx finds it at construction.
        AblyRest Create() => mock.Rest(o => o with { Key = null, ClientId = optionsClientId, TokenDetails = mock.Token("token", clientId: tokenClientId) });
        if (expected == "error")
        {
            var error = Assert.Throws<AblyException>(() => Create());
            Assert.That(error!.Message, Does.Contain("clientId").Or.Contain("mismatch"));
            return;
        }

        using var client = Create();
        mock.Await(client.Channels.Get("test").StatusAsync());
        Assert.That(client.Auth.ClientId, Is.EqualTo(optionsClientId ?? tokenClientId));
    }

    // UTS: rest/unit/RSA15a/token-clientid-must-match-0
    [Test]
    public void RSA15a_TokenClientIdMustMatchClientOptionsClientId()
    {
        var mock = AnsweringStatus();

        using var match = mock.Rest(o => o with { Key = null, ClientId = "my-client", TokenDetails = mock.Token("matching-token", clientId: "my-client") });
        var error = Assert.Throws<AblyException>(() =>
            mock.Rest(o => o with { Key = null, ClientId = "my-client", TokenDetails = mock.Token("mismatched-token", clientId: "other-client") }));

        Assert.That(match.Auth.ClientId, Is.EqualTo("my-client"));
        Assert.That(error!.Code, Is.EqualTo(40102));
    }

    // UTS: rest/unit/RSA15b/wildcard-token-permits-any-0
    [Test]
    public void RSA15b_WildcardTokenClientIdPermitsAnyClientOptionsClientId()
    {
        var mock = AnsweringStatus();
        using var client = mock.Rest(o => o with { Key = null, ClientId = "any-client", TokenDetails = mock.Token("wildcard-token", clientId: "*") });

        Assert.That(client.Auth.ClientId, Is.EqualTo("any-client"));
    }

    // UTS: rest/unit/RSA15c/incompatible-clientid-error-0
    [Test]
    public void RSA15c_IncompatibleClientIdResultsInError()
    {
        // The REST case is "see RSA15a's mismatch case": the client raises 40102.
        var mock = AnsweringStatus();

        var error = Assert.Throws<AblyException>(() =>
            mock.Rest(o => o with { Key = null, ClientId = "my-client", TokenDetails = mock.Token("mismatched-token", clientId: "other-client") }));

        Assert.That(error!.Code, Is.EqualTo(40102));
        Assert.That(mock.Requests, Is.Empty);
    }
}
