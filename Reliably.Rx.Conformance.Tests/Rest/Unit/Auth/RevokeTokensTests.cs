using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Auth;

/// <summary>uts/rest/unit/auth/revoke_tokens.md (RSA17, TRS2, TRF2, BAR2): <c>Auth#revokeTokens</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/auth/revoke_tokens.md")]
public sealed class RevokeTokensTests
{
    private const string AliceRevoked = """[{"target":"clientId:alice","issuedBefore":1700000000000,"appliesAt":1700000001000}]""";

    private static readonly TokenRevocationTargetSpecifier Alice = new("clientId", "alice");

    private static (MockHttp Mock, AblyRest Client) Setup(int status, string body, string key = "appId.keyName:keySecret")
    {
        var mock = new MockHttp(req => req.RespondWith(status, body));
        return (mock, mock.Rest(o => o with { Key = key }));
    }

    // UTS: rest/unit/RSA17g/sends-post-correct-path-0
    [Test]
    public void RSA17g_RevokeTokensSendsPostToKeysRevokeTokens()
    {
        var (mock, client) = Setup(200, AliceRevoked);
        using var _ = client;
        mock.Await(client.Auth.RevokeTokensAsync([Alice]));
        Assert.That(mock.Requests, Has.Count.EqualTo(1));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(mock.Requests[0].Path, Is.EqualTo("/keys/appId.keyName/revokeTokens"));
    }

    // UTS: rest/unit/RSA17b/single-specifier-targets-0
    [Test]
    public void RSA17b_SingleSpecifierSentAsTargetsArray()
    {
        var (mock, client) = Setup(200, AliceRevoked);
        using var _ = client;
        mock.Await(client.Auth.RevokeTokensAsync(Alice));
        Assert.That(MockHttp.Body(mock.Requests[0])["targets"]!.ToObject<string[]>(), Is.EqualTo(new[] { "clientId:alice" }));
    }

    // UTS: rest/unit/RSA17b/multiple-specifier-types-1
    [Test]
    public void RSA17b_MultipleSpecifiersWithDifferentTypes()
    {
        var (mock, client) = Setup(200, """
            [{"target":"clientId:alice","issuedBefore":1700000000000,"appliesAt":1700000001000},
             {"target":"revocationKey:group-1","issuedBefore":1700000000000,"appliesAt":1700000001000},
             {"target":"channel:secret","issuedBefore":1700000000000,"appliesAt":1700000001000}]
            """);
        using var _ = client;
        mock.Await(client.Auth.RevokeTokensAsync([Alice, TokenRevocationTargetSpecifier.RevocationKey("group-1"), new("channel", "secret")]));
        Assert.That(MockHttp.Body(mock.Requests[0])["targets"]!.ToObject<string[]>(),
            Is.EqualTo(new[] { "clientId:alice", "revocationKey:group-1", "channel:secret" }));
    }

    // UTS: rest/unit/RSA17c/all-success-result-0
    [Test]
    public void RSA17c_BAR2_BAR2a_BAR2b_BAR2c_AllSuccessResult()
    {
        var (mock, client) = Setup(200, """
            [{"target":"clientId:alice","issuedBefore":1700000000000,"appliesAt":1700000001000},
             {"target":"clientId:bob","issuedBefore":1700000000000,"appliesAt":1700000002000}]
            """);
        using var _ = client;
        var result = mock.Await(client.Auth.RevokeTokensAsync([Alice, new("clientId", "bob")]));
        Assert.That(result.SuccessCount, Is.EqualTo(2));
        Assert.That(result.FailureCount, Is.EqualTo(0));
        Assert.That(result.Results, Has.Count.EqualTo(2));
        Assert.That(result.Results.Select(r => (r.Target, r.Success)), Is.EqualTo(new[] { ("clientId:alice", true), ("clientId:bob", true) }));
    }

    // UTS: rest/unit/RSA17c/mixed-success-failure-1
    [Test]
    public void RSA17c_BAR2_BAR2a_BAR2b_BAR2c_MixedSuccessAndFailureResult()
    {
        var (mock, client) = Setup(200, """
            {"successCount":1,"failureCount":1,"results":[
              {"target":"clientId:alice","issuedBefore":1700000000000,"appliesAt":1700000001000},
              {"target":"invalidType:abc","error":{"code":40000,"statusCode":400,"message":"Invalid target type"}}]}
            """);
        using var _ = client;
        var result = mock.Await(client.Auth.RevokeTokensAsync([Alice, new("invalidType", "abc")]));
        Assert.That(result.SuccessCount, Is.EqualTo(1));
        Assert.That(result.FailureCount, Is.EqualTo(1));
        Assert.That(result.Results, Has.Count.EqualTo(2));
        Assert.That(result.Results.Select(r => (r.Target, r.Success)), Is.EqualTo(new[] { ("clientId:alice", true), ("invalidType:abc", false) }));
        Assert.That(result.Results[1].Error!.Code, Is.EqualTo(40000));
    }

    // UTS: rest/unit/RSA17c/all-failure-result-2
    [Test]
    public void RSA17c_BAR2_BAR2a_BAR2b_BAR2c_AllFailureResult()
    {
        var (mock, client) = Setup(200, """
            {"successCount":0,"failureCount":2,"results":[
              {"target":"invalidType:foo","error":{"code":40000,"statusCode":400,"message":"Invalid target type"}},
              {"target":"invalidType:bar","error":{"code":40000,"statusCode":400,"message":"Invalid target type"}}]}
            """);
        using var _ = client;
        var result = mock.Await(client.Auth.RevokeTokensAsync([new("invalidType", "foo"), new("invalidType", "bar")]));
        Assert.That(result.SuccessCount, Is.EqualTo(0));
        Assert.That(result.FailureCount, Is.EqualTo(2));
        Assert.That(result.Results, Has.Count.EqualTo(2));
        Assert.That(result.Results.Select(r => (r.Target, r.Success)), Is.EqualTo(new[] { ("invalidType:foo", false), ("invalidType:bar", false) }));
    }

    // UTS: rest/unit/TRS2/success-result-attributes-0
    [Test]
    public void TRS2_TRS2a_TRS2b_TRS2c_SuccessResultHasTargetAppliesAtAndIssuedBefore()
    {
        var (mock, client) = Setup(200, AliceRevoked);
        using var _ = client;
        var success = mock.Await(client.Auth.RevokeTokensAsync([Alice])).Results[0];
        Assert.That(success.Success, Is.True);
        Assert.That(success.Target, Is.EqualTo("clientId:alice"));
        Assert.That(success.IssuedBefore, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000)));
        Assert.That(success.AppliesAt, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1700000001000)));
    }

    // UTS: rest/unit/TRF2/failure-result-attributes-0
    [Test]
    public void TRF2_TRF2a_TRF2b_FailureResultHasTargetAndError()
    {
        var (mock, client) = Setup(200, """
            {"successCount":0,"failureCount":1,"results":[
              {"target":"invalidType:abc","error":{"code":40000,"statusCode":400,"message":"Invalid target type"}}]}
            """);
        using var _ = client;
        var failure = mock.Await(client.Auth.RevokeTokensAsync([new("invalidType", "abc")])).Results[0];
        Assert.That(failure.Success, Is.False);
        Assert.That(failure.Target, Is.EqualTo("invalidType:abc"));
        Assert.That(failure.Error, Is.InstanceOf<ErrorInfo>());
        Assert.That(failure.Error!.Code, Is.EqualTo(40000));
        Assert.That(failure.Error.StatusCode, Is.EqualTo(400));
        Assert.That(failure.Error.Message, Does.Contain("Invalid target type"));
    }

    // UTS: rest/unit/RSA17d/token-auth-revoke-rejected-0
    [Test]
    public void RSA17d_TokenAuthClientFailsWith40162()
    {
        var mock = new MockHttp(req => req.RespondWith(200, "[]"));
        using var client = mock.Rest(o => o with { Key = null, Token = "a.token.string" });
        var error = mock.AwaitFailure(client.Auth.RevokeTokensAsync([Alice]));
        Assert.That(error.Code, Is.EqualTo(40162));
        Assert.That(error.StatusCode, Is.EqualTo(401));
        Assert.That(mock.Requests, Is.Empty);
    }

    // UTS: rest/unit/RSA17d/use-token-auth-revoke-rejected-1
    [Test]
    public void RSA17d_UseTokenAuthClientFailsWith40162()
    {
        var mock = new MockHttp(req => req.RespondWith(200, "[]"));
        using var client = mock.Rest(o => o with { Key = "appId.keyName:keySecret", UseTokenAuth = true });
        var error = mock.AwaitFailure(client.Auth.RevokeTokensAsync([Alice]));
        Assert.That(error.Code, Is.EqualTo(40162));
        Assert.That(error.StatusCode, Is.EqualTo(401));
        Assert.That(mock.Requests, Is.Empty);
    }

    // UTS: rest/unit/RSA17e/issued-before-included-0
    [Test]
    public void RSA17e_IssuedBeforeIncludedInRequestBody()
    {
        var (mock, client) = Setup(200, """[{"target":"clientId:alice","issuedBefore":1699999000000,"appliesAt":1700000001000}]""");
        using var _ = client;
        mock.Await(client.Auth.RevokeTokensAsync([Alice], new TokenRevocationOptions { IssuedBefore = DateTimeOffset.FromUnixTimeMilliseconds(1699999000000) }));
        Assert.That((long)MockHttp.Body(mock.Requests[0])["issuedBefore"]!, Is.EqualTo(1699999000000));
    }

    // UTS: rest/unit/RSA17e/issued-before-omitted-1
    [Test]
    public void RSA17e_IssuedBeforeOmittedWhenNotProvided()
    {
        var (mock, client) = Setup(200, AliceRevoked);
        using var _ = client;
        mock.Await(client.Auth.RevokeTokensAsync([Alice]));
        Assert.That(((JObject)MockHttp.Body(mock.Requests[0])).ContainsKey("issuedBefore"), Is.False);
    }

    // UTS: rest/unit/RSA17f/reauth-margin-included-0
    [Test]
    public void RSA17f_AllowReauthMarginIncludedWhenTrue()
    {
        var (mock, client) = Setup(200, """[{"target":"clientId:alice","issuedBefore":1700000000000,"appliesAt":1700000030000}]""");
        using var _ = client;
        mock.Await(client.Auth.RevokeTokensAsync([Alice], new TokenRevocationOptions { AllowReauthMargin = true }));
        Assert.That((bool)MockHttp.Body(mock.Requests[0])["allowReauthMargin"]!, Is.True);
    }

    // UTS: rest/unit/RSA17f/reauth-margin-omitted-1
    [Test]
    public void RSA17f_AllowReauthMarginOmittedWhenNotProvided()
    {
        var (mock, client) = Setup(200, AliceRevoked);
        using var _ = client;
        mock.Await(client.Auth.RevokeTokensAsync([Alice]));
        Assert.That(((JObject)MockHttp.Body(mock.Requests[0])).ContainsKey("allowReauthMargin"), Is.False);
    }

    // UTS: rest/unit/RSA17f/both-options-together-2
    [Test]
    public void RSA17e_RSA17f_IssuedBeforeAndAllowReauthMarginTogether()
    {
        var (mock, client) = Setup(200, """[{"target":"clientId:alice","issuedBefore":1699999000000,"appliesAt":1700000030000}]""");
        using var _ = client;
        mock.Await(client.Auth.RevokeTokensAsync([Alice],
            new TokenRevocationOptions { IssuedBefore = DateTimeOffset.FromUnixTimeMilliseconds(1699999000000), AllowReauthMargin = true }));
        var body = MockHttp.Body(mock.Requests[0]);
        Assert.That(body["targets"]!.ToObject<string[]>(), Is.EqualTo(new[] { "clientId:alice" }));
        Assert.That((long)body["issuedBefore"]!, Is.EqualTo(1699999000000));
        Assert.That((bool)body["allowReauthMargin"]!, Is.True);
    }

    // UTS: rest/unit/RSA17/server-error-propagated-0
    [Test]
    public void RSA17_ServerErrorIsPropagated()
    {
        var (mock, client) = Setup(500, MockHttp.Error(50000, 500, "Internal error"));
        using var _ = client;
        var error = mock.AwaitFailure(client.Auth.RevokeTokensAsync([Alice]));
        Assert.That(error.Code, Is.EqualTo(50000));
        Assert.That(error.StatusCode, Is.EqualTo(500));
        Assert.That(mock.Requests, Is.Not.Empty);
    }

    // UTS: rest/unit/RSA17/request-uses-basic-auth-0
    [Test]
    public void RSA17_RequestUsesBasicAuthentication()
    {
        var (mock, client) = Setup(200, AliceRevoked);
        using var _ = client;
        mock.Await(client.Auth.RevokeTokensAsync([Alice]));
        Assert.That(mock.Requests[0].Header("Authorization"), Does.StartWith("Basic "));
    }
}
