using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Tests.Channels;

/// <summary>MessageFilter's criteria (MFI2, RTL22b, RTL22c); subscriptions through it are covered by the conformance suite.</summary>
[TestFixture]
public sealed class MessageFilterTests
{
    private static Message WithRef(JToken reference) => new("n", "d") { Extras = new JObject { ["ref"] = reference } };

    [Test]
    public void An_empty_filter_passes_every_message()
    {
        Assert.That(new MessageFilter().Matches(new Message()), Is.True);
        Assert.That(new MessageFilter().Matches(WithRef(new JObject { ["timeserial"] = "t", ["type"] = "x" })), Is.True);
    }

    [Test]
    public void MFI2a_IsRef_true_passes_only_messages_with_a_ref_object()
    {
        var filter = new MessageFilter { IsRef = true };

        Assert.That(filter.Matches(WithRef(new JObject { ["timeserial"] = "t" })), Is.True);
        Assert.That(filter.Matches(new Message("n", "d")), Is.False);
        Assert.That(filter.Matches(new Message("n", "d") { Extras = new JObject { ["headers"] = new JObject() } }), Is.False);
        Assert.That(filter.Matches(WithRef("not-an-object")), Is.False, "a ref that is not an object is no ref");
    }

    [Test]
    public void MFI2b_MFI2c_ref_criteria_fail_for_a_message_without_a_ref_or_with_non_string_fields()
    {
        Assert.That(new MessageFilter { RefTimeserial = "t" }.Matches(new Message("n", "d")), Is.False);
        Assert.That(new MessageFilter { RefType = "x" }.Matches(new Message("n", "d")), Is.False);
        Assert.That(new MessageFilter { RefTimeserial = "1" }.Matches(WithRef(new JObject { ["timeserial"] = 1 })), Is.False);
        Assert.That(new MessageFilter { RefType = "x" }.Matches(WithRef(new JObject { ["type"] = "x" })), Is.True);
    }

    [Test]
    public void RTL22c_every_criterion_given_must_hold()
    {
        var filter = new MessageFilter { Name = "comment", ClientId = "u1", IsRef = false };

        Assert.That(filter.Matches(new Message("comment", "d") { ClientId = "u1" }), Is.True);
        Assert.That(filter.Matches(new Message("comment", "d") { ClientId = "u2" }), Is.False);
        Assert.That(filter.Matches(new Message("other", "d") { ClientId = "u1" }), Is.False);
        Assert.That(filter.Matches(WithRef(new JObject()) with { Name = "comment", ClientId = "u1" }), Is.False);
    }

    [Test]
    public async Task A_null_message_or_filter_is_40003()
    {
        Assert.That(Assert.Throws<AblyException>(() => new MessageFilter().Matches(null!))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        await using var c = new ChannelHarness();
        Assert.That(Assert.Throws<AblyException>(() => c.Channel.Messages((MessageFilter)null!))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }
}
