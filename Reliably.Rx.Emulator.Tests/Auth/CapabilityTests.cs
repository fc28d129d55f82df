using System.Net;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Auth;

/// <summary>Capability validation and intersection for tokens (RSA6, TK2b, TD5).</summary>
public sealed class CapabilityTests : EmulatorTestBase
{
    [TestCase("{\"channel0\":[\"publish_\"]}")]
    [TestCase("{\"channel0\":[\"*\",\"publish\"]}")]
    [TestCase("{\"channel0\":[]}")]
    [TestCase("{\"channel0\":\"publish\"}")]
    [TestCase("[\"publish\"]")]
    [TestCase("{not json")]
    public async Task RSA6_InvalidCapability_IsRefusedWith400(string capability)
    {
        var key = Emulator.DefaultApp.Keys[0];
        using var http = Http.Client(Emulator.BaseUri, key.KeyString);
        var response = await http.PostAsync($"/keys/{key.KeyName}/requestToken", Http.Json(new JObject { ["capability"] = capability }));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await Http.ReadAsync(response))["error"]!.Value<int>("code"), Is.EqualTo(40000));
    }

    [Test]
    public async Task TD5_TokenCapabilityIsTheIntersection_InCanonicalForm_LikeTheKeysOwn()
    {
        var app = Emulator.CreateAppFromSetup("""
            {"keys":[{"capability":"{ \"pushenabled:*\":[\"publish\",\"subscribe\",\"push-subscribe\"], \"channel2\":[\"subscribe\",\"publish\"] }"}]}
            """);
        var key = app.Keys[0];
        using var http = Http.Client(Emulator.BaseUri, key.KeyString);

        // Blanket: no capability asked for, the key's own, which POST /apps reports in the same canonical form.
        var blanket = await Http.ReadAsync(await http.PostAsync($"/keys/{key.KeyName}/requestToken", Http.Json(new JObject())));
        Assert.That(blanket.Value<string>("capability"), Is.EqualTo("{\"channel2\":[\"publish\",\"subscribe\"],\"pushenabled:*\":[\"publish\",\"push-subscribe\",\"subscribe\"]}"));
        using var anonymous = Http.Client(Emulator.BaseUri);
        var described = await Http.ReadAsync(await anonymous.PostAsync("/apps", Http.Json(JObject.Parse("""
            {"keys":[{"capability":"{ \"pushenabled:*\":[\"publish\",\"subscribe\",\"push-subscribe\"], \"channel2\":[\"subscribe\",\"publish\"] }"}]}
            """))));
        Assert.That(described["keys"]![0]!.Value<string>("capability"), Is.EqualTo(blanket.Value<string>("capability")));

        // A wildcard operation on a resource the key limits gets the key's operations; an empty result is 40160 / 401.
        var wildcard = await Http.ReadAsync(await http.PostAsync($"/keys/{key.KeyName}/requestToken", Http.Json(new JObject { ["capability"] = "{\"channel2\":[\"*\"],\"channelx\":[\"*\"]}" })));
        Assert.That(wildcard.Value<string>("capability"), Is.EqualTo("{\"channel2\":[\"publish\",\"subscribe\"]}"));
        var empty = await http.PostAsync($"/keys/{key.KeyName}/requestToken", Http.Json(new JObject { ["capability"] = "{\"channel2\":[\"presence\"]}" }));
        Assert.That(empty.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That((await Http.ReadAsync(empty))["error"]!.Value<int>("code"), Is.EqualTo(40160));
    }
}
