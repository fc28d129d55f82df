using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Types;

/// <summary>uts/rest/unit/types/token_types.md (TD, TK, TE): <c>TokenDetails</c>, <c>TokenParams</c>, <c>TokenRequest</c>.</summary>
/// <remarks>Times are DateTimeOffsets and durations TimeSpans, C#'s types for them; the values are the spec's milliseconds.</remarks>
[TestFixture]
[Category("uts/rest/unit/types/token_types.md")]
public sealed class TokenTypesTests
{
    private static DateTimeOffset Ms(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    // UTS: rest/unit/TD1/token-details-attributes-0
    [Test]
    public void TD1_TD2_TD3_TD4_TD5_TokenDetailsAttributes()
    {
        var details = new TokenDetails("test-token") { Expires = Ms(1234567890000) };
        Assert.That(details.Token, Is.EqualTo("test-token"));
        Assert.That(details.Expires, Is.EqualTo(Ms(1234567890000)));
        Assert.That((details with { Issued = Ms(1234567800000) }).Issued, Is.EqualTo(Ms(1234567800000)));
        Assert.That((details with { Capability = """{"*":["*"]}""" }).Capability, Is.EqualTo("""{"*":["*"]}"""));
        Assert.That((details with { ClientId = "my-client" }).ClientId, Is.EqualTo("my-client"));
    }

    // UTS: rest/unit/TD/token-details-from-json-0
    [Test]
    [Adapted("TokenDetails has no public fromJson: an authUrl answering the spec's JSON is where the client reads TokenDetails from JSON.")]
    public void TD_TokenDetailsFromJson()
    {
        var mock = new MockHttp(req => req.RespondWith(200, """
            {"token":"deserialized-token","expires":1234567890000,"issued":1234567800000,
             "capability":"{\"channel-1\":[\"publish\"]}","clientId":"json-client","keyName":"appId.keyId"}
            """));
        using var client = mock.Rest(o => o with { Key = null, AuthUrl = new Uri("https://auth.example.com/token") });

        var details = mock.Await(client.Auth.RequestTokenAsync());

        Assert.That(details.Token, Is.EqualTo("deserialized-token"));
        Assert.That(details.Expires, Is.EqualTo(Ms(1234567890000)));
        Assert.That(details.Issued, Is.EqualTo(Ms(1234567800000)));
        Assert.That(details.Capability, Is.EqualTo("""{"channel-1":["publish"]}"""));
        Assert.That(details.ClientId, Is.EqualTo("json-client"));
    }

    // UTS: rest/unit/TK1/token-params-attributes-0
    [Test]
    public void TK1_TK2_TK3_TK4_TK5_TK6_TokenParamsAttributes()
    {
        Assert.That(new TokenParams { Ttl = TimeSpan.FromMilliseconds(3600000) }.Ttl, Is.EqualTo(TimeSpan.FromMilliseconds(3600000)));
        Assert.That(new TokenParams().Ttl, Is.Null);
        Assert.That(new TokenParams { Capability = """{"*":["subscribe"]}""" }.Capability, Is.EqualTo("""{"*":["subscribe"]}"""));
        Assert.That(new TokenParams().Capability, Is.Null);
        Assert.That(new TokenParams { ClientId = "param-client" }.ClientId, Is.EqualTo("param-client"));
        Assert.That(new TokenParams { Timestamp = Ms(1234567890000) }.Timestamp, Is.EqualTo(Ms(1234567890000)));
        Assert.That(new TokenParams { Nonce = "unique-nonce-value" }.Nonce, Is.EqualTo("unique-nonce-value"));

        var all = new TokenParams
        {
            Ttl = TimeSpan.FromMilliseconds(7200000),
            Capability = """{"*":["*"]}""",
            ClientId = "full-client",
            Timestamp = Ms(1234567890000),
            Nonce = "full-nonce",
        };
        Assert.That(all.Ttl, Is.EqualTo(TimeSpan.FromMilliseconds(7200000)));
        Assert.That(all.Capability, Is.EqualTo("""{"*":["*"]}"""));
        Assert.That(all.ClientId, Is.EqualTo("full-client"));
        Assert.That(all.Timestamp, Is.EqualTo(Ms(1234567890000)));
        Assert.That(all.Nonce, Is.EqualTo("full-nonce"));
    }

    // UTS: rest/unit/TK/token-params-to-query-string-0
    [Test]
    [Adapted("TokenParams has no public toQueryParams: the query string of a GET to an authUrl (RSA8c2) is where the client writes token params as query params.")]
    public void TK_TokenParamsToQueryString()
    {
        var mock = new MockHttp(req => req.RespondWith(200, System.Text.Encoding.UTF8.GetBytes("a-token"), "text/plain"));
        using var client = mock.Rest(o => o with { Key = null, AuthUrl = new Uri("https://auth.example.com/token") });

        mock.Await(client.Auth.RequestTokenAsync(new TokenParams { Ttl = TimeSpan.FromMilliseconds(3600000), ClientId = "query-client", Capability = """{"ch":["pub"]}""" }));

        var request = mock.Requests[0];
        Assert.That(request.Query("ttl"), Is.EqualTo("3600000"));
        Assert.That(request.Query("clientId"), Is.EqualTo("query-client"));
        Assert.That(request.Query("capability"), Is.EqualTo("""{"ch":["pub"]}"""));
    }

    // UTS: rest/unit/TE1/token-request-attributes-0
    [Test]
    public void TE1_TE2_TE3_TE4_TE5_TE6_TokenRequestAttributes()
    {
        var request = new TokenRequest { KeyName = "appId.keyId", Timestamp = Ms(1234567890000), Nonce = "nonce-1" };
        Assert.That(request.KeyName, Is.EqualTo("appId.keyId"));
        Assert.That((request with { Ttl = TimeSpan.FromMilliseconds(3600000) }).Ttl, Is.EqualTo(TimeSpan.FromMilliseconds(3600000)));
        Assert.That(request.Ttl, Is.Null);
        Assert.That((request with { Capability = """{"*":["*"]}""" }).Capability, Is.EqualTo("""{"*":["*"]}"""));
        Assert.That(request.Capability, Is.Null);
        Assert.That((request with { ClientId = "request-client" }).ClientId, Is.EqualTo("request-client"));
        Assert.That(request.Timestamp, Is.EqualTo(Ms(1234567890000)));
        Assert.That((request with { Nonce = "unique-nonce" }).Nonce, Is.EqualTo("unique-nonce"));
    }

    // UTS: rest/unit/TE/token-request-mac-signature-0
    [Test]
    public void TE_TokenRequestWithMac()
    {
        var request = new TokenRequest { KeyName = "appId.keyId", Timestamp = Ms(1234567890000), Nonce = "nonce-value", Mac = "signature-base64" };

        Assert.That(request.Mac, Is.EqualTo("signature-base64"));
    }

    // UTS: rest/unit/TE/token-request-to-json-1
    [Test]
    [Adapted("TokenRequest has no public toJson: the body of the POST that exchanges a TokenRequest from an authCallback (RSA8e) is the client's JSON for it.")]
    public void TE_TokenRequestToJson()
    {
        var tokenRequest = new TokenRequest
        {
            KeyName = "appId.keyId",
            Ttl = TimeSpan.FromMilliseconds(3600000),
            Capability = """{"*":["*"]}""",
            ClientId = "json-client",
            Timestamp = Ms(1234567890000),
            Nonce = "json-nonce",
            Mac = "json-mac",
        };
        var mock = new MockHttp(req => req.RespondWith(200, """{"token":"t","expires":9999999999999}"""));
        using var client = mock.Rest(o => o with { Key = null, AuthCallback = MockHttp.Callback(_ => tokenRequest) });

        mock.Await(client.Auth.RequestTokenAsync());

        var json = (JObject)MockHttp.Body(mock.Requests.Single(r => r.Path.EndsWith("/requestToken", StringComparison.Ordinal)));
        Assert.That((string?)json["keyName"], Is.EqualTo("appId.keyId"));
        Assert.That((long)json["ttl"]!, Is.EqualTo(3600000));
        Assert.That((string?)json["capability"], Is.EqualTo("""{"*":["*"]}"""));
        Assert.That((string?)json["clientId"], Is.EqualTo("json-client"));
        Assert.That((long)json["timestamp"]!, Is.EqualTo(1234567890000));
        Assert.That((string?)json["nonce"], Is.EqualTo("json-nonce"));
        Assert.That((string?)json["mac"], Is.EqualTo("json-mac"));
    }

    // UTS: rest/unit/TE/token-request-from-json-2
    [Test]
    [Adapted("TokenRequest has no public fromJson: an authUrl answering the spec's JSON is where the client reads a TokenRequest, which it then exchanges (RSA8c); the exchange's body shows what was read.")]
    public void TE_TokenRequestFromJson()
    {
        var mock = new MockHttp(req =>
        {
            if (req.Host == "auth.example.com")
            {
                req.RespondWith(200, """
                    {"keyName":"appId.keyId","ttl":7200000,"capability":"{\"ch\":[\"sub\"]}","clientId":"from-json-client",
                     "timestamp":1234567899999,"nonce":"from-json-nonce","mac":"from-json-mac"}
                    """);
            }
            else
            {
                req.RespondWith(200, """{"token":"t","expires":9999999999999}""");
            }
        });
        using var client = mock.Rest(o => o with { Key = null, AuthUrl = new Uri("https://auth.example.com/token") });

        mock.Await(client.Auth.RequestTokenAsync());

        var exchange = mock.Requests.Single(r => r.Path.EndsWith("/requestToken", StringComparison.Ordinal));
        Assert.That(exchange.Path, Is.EqualTo("/keys/appId.keyId/requestToken"));
        var json = (JObject)MockHttp.Body(exchange);
        Assert.That((long)json["ttl"]!, Is.EqualTo(7200000));
        Assert.That((string?)json["capability"], Is.EqualTo("""{"ch":["sub"]}"""));
        Assert.That((string?)json["clientId"], Is.EqualTo("from-json-client"));
        Assert.That((long)json["timestamp"]!, Is.EqualTo(1234567899999));
        Assert.That((string?)json["nonce"], Is.EqualTo("from-json-nonce"));
        Assert.That((string?)json["mac"], Is.EqualTo("from-json-mac"));
    }
}
