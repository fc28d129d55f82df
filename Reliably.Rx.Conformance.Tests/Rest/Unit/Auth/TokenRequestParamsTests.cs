using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Auth;

/// <summary>uts/rest/unit/auth/token_request_params.md (RSA5, RSA6, RSA9): ttl and capability of <c>createTokenRequest()</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/auth/token_request_params.md")]
public sealed class TokenRequestParamsTests
{
    private static TokenRequest Create(TokenParams? defaults, TokenParams? given)
    {
        var mock = new MockHttp();
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret", DefaultTokenParams = defaults });
        var request = mock.Await(client.Auth.CreateTokenRequestAsync(given));
        Assert.That(mock.Requests, Is.Empty, "no request is needed to sign a token request");
        return request;
    }

    // UTS: rest/unit/RSA5/ttl-null-when-unspecified-0
    [Test]
    public void RSA5_TtlIsNullWhenNotSpecified() =>
        Assert.That(Create(null, null).Ttl, Is.Null);

    // UTS: rest/unit/RSA5b/explicit-ttl-preserved-0
    [Test]
    public void RSA5b_ExplicitTtlIsPreserved() =>
        Assert.That(Create(null, new TokenParams { Ttl = TimeSpan.FromMilliseconds(7_200_000) }).Ttl, Is.EqualTo(TimeSpan.FromMilliseconds(7_200_000)));

    // UTS: rest/unit/RSA5c/ttl-from-default-params-0
    [Test]
    public void RSA5c_TtlFromDefaultTokenParamsIsUsed() =>
        Assert.That(Create(new TokenParams { Ttl = TimeSpan.FromMilliseconds(1_800_000) }, null).Ttl, Is.EqualTo(TimeSpan.FromMilliseconds(1_800_000)));

    // UTS: rest/unit/RSA5d/explicit-ttl-overrides-default-0
    [Test]
    public void RSA5d_ExplicitTtlOverridesDefaultTokenParams() =>
        Assert.That(
            Create(new TokenParams { Ttl = TimeSpan.FromMilliseconds(1_800_000) }, new TokenParams { Ttl = TimeSpan.FromMilliseconds(600_000) }).Ttl,
            Is.EqualTo(TimeSpan.FromMilliseconds(600_000)));

    // UTS: rest/unit/RSA6/capability-null-when-unspecified-0
    [Test]
    public void RSA6_CapabilityIsNullWhenNotSpecified() =>
        Assert.That(Create(null, null).Capability, Is.Null);

    // UTS: rest/unit/RSA6b/explicit-capability-preserved-0
    [Test]
    public void RSA6b_ExplicitCapabilityIsPreserved() =>
        Assert.That(
            Create(null, new TokenParams { Capability = """{"channel-a":["publish","subscribe"]}""" }).Capability,
            Is.EqualTo("""{"channel-a":["publish","subscribe"]}"""));

    // UTS: rest/unit/RSA6c/capability-from-default-params-0
    [Test]
    public void RSA6c_CapabilityFromDefaultTokenParamsIsUsed() =>
        Assert.That(Create(new TokenParams { Capability = """{"*":["subscribe"]}""" }, null).Capability, Is.EqualTo("""{"*":["subscribe"]}"""));

    // UTS: rest/unit/RSA6d/explicit-capability-overrides-default-0
    [Test]
    public void RSA6d_ExplicitCapabilityOverridesDefaultTokenParams() =>
        Assert.That(
            Create(new TokenParams { Capability = """{"*":["subscribe"]}""" }, new TokenParams { Capability = """{"channel-x":["publish"]}""" }).Capability,
            Is.EqualTo("""{"channel-x":["publish"]}"""));
}
