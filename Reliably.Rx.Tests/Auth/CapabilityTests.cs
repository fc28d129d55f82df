using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Tests.Auth;

/// <summary>The capability's canonical text (RSA9f, TK2b) and its parsing into resources and operations.</summary>
[TestFixture]
public sealed class CapabilityTests
{
    [Test]
    public void RSA9f_the_canonical_text_sorts_resources_and_operations_and_has_no_whitespace()
    {
        var capability = new Capability().Allow("zeta", "subscribe", "publish").Allow("alpha:*", "presence").Allow("zeta", "history");

        Assert.That(capability.ToJson(), Is.EqualTo("""{"alpha:*":["presence"],"zeta":["history","publish","subscribe"]}"""));
        Assert.That(Capability.AllowAll.ToJson(), Is.EqualTo("""{"*":["*"]}"""));
        Assert.That(new Capability().ToJson(), Is.EqualTo("{}"));
    }

    [TestCase("a&b<c>'d'")]
    [TestCase("café:ünïcödé")]
    [TestCase("quote\"back\\slash")]
    [TestCase("tab\tnew\nline\u0001")]
    [TestCase("[private]:room-1")]
    public void RSA9f_a_resource_is_written_as_the_application_wrote_it_escaping_only_what_JSON_requires(string resource)
    {
        var text = new Capability().Allow(resource, "publish").ToJson();

        // The text is what is signed and sent: it must read back as the same resource, and it must be the minimal JSON
        // escaping (the same text Newtonsoft.Json writes without formatting), not an HTML-safe or ASCII-only variant.
        Assert.That(JObject.Parse(text).Properties().Single().Name, Is.EqualTo(resource));
        Assert.That(text, Is.EqualTo(new JObject { [resource] = new JArray("publish") }.ToString(Formatting.None)));
        Assert.That(Capability.Parse(text).Resources[resource], Is.EqualTo(new[] { "publish" }));
    }

    [Test]
    public void A_resource_outside_the_basic_plane_reads_back_unchanged()
    {
        const string resource = "rocket-\U0001F680";
        var text = new Capability().Allow(resource, "*").ToJson();

        Assert.That(JObject.Parse(text).Properties().Single().Name, Is.EqualTo(resource));
        Assert.That(Capability.Parse(text).ToJson(), Is.EqualTo(text));
    }

    [Test]
    public void Parse_reads_every_resource_and_a_resource_named_twice_keeps_its_last_operations()
    {
        var capability = Capability.Parse("""{ "b": ["subscribe", "publish"], "a": ["*"], "b": ["history"] }""");

        Assert.That(capability.Resources.Keys, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(capability.Resources["b"], Is.EqualTo(new[] { "history" }));
        Assert.That(capability.ToJson(), Is.EqualTo("""{"a":["*"],"b":["history"]}"""));
    }

    [TestCase("not json")]
    [TestCase("""["publish"]""")]
    [TestCase("\"text\"")]
    [TestCase("""{"a":"publish"}""")]
    [TestCase("""{"a":["publish",1]}""")]
    [TestCase("""{"a":["publish"]""")]
    [TestCase("""{"":["publish"]}""")]
    public void Parse_gives_40000_or_40003_for_text_that_is_not_a_capability(string text)
    {
        var error = Assert.Throws<AblyException>(() => Capability.Parse(text))!;

        Assert.That(error.ErrorInfo.Code, Is.EqualTo(40000).Or.EqualTo(40003));
        Assert.That(error.ErrorInfo.StatusCode, Is.EqualTo(400));
    }
}
