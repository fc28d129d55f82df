using Reliably.Rx.Testing;

namespace Reliably.Rx.Tests.Channels;

/// <summary>Derived channel names (RTS5a1, RTS5a2) and the typed subscription filter builder; no server.</summary>
[TestFixture]
public sealed class SubscriptionFilterTests
{
    private static string Base64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));

    [Test]
    public void Builder_writes_JMESPath_with_quoted_header_keys_and_escaped_literals()
    {
        Assert.That(SubscriptionFilter.NameIs("quote").Expression, Is.EqualTo("name == 'quote'"));
        Assert.That((SubscriptionFilter.NameIs("quote") & SubscriptionFilter.HeaderIs("venue", "XLON")).Expression,
            Is.EqualTo("(name == 'quote') && (headers.\"venue\" == 'XLON')"));
        Assert.That(SubscriptionFilter.NameIn("a", "b").Expression, Is.EqualTo("(name == 'a') || (name == 'b')"));
        Assert.That((!SubscriptionFilter.HeaderIs("live", true)).Expression, Is.EqualTo("!(headers.\"live\" == `true`)"));
        Assert.That(SubscriptionFilter.HeaderGreaterThan("size", 2.5).Expression, Is.EqualTo("headers.\"size\" > `2.5`"));
        Assert.That(SubscriptionFilter.HeaderExists("x-trace").Expression, Is.EqualTo("headers.\"x-trace\" != `null`"));
        Assert.That(SubscriptionFilter.HeaderIs("we\"ird", "it's a \\ test").Expression, Is.EqualTo("headers.\"we\\\"ird\" == 'it\\'s a \\\\ test'"));
        Assert.That(SubscriptionFilter.Raw("name == 'x'").ToDeriveOptions().Filter, Is.EqualTo("name == 'x'"));
    }

    [Test]
    public void Builder_refuses_what_cannot_be_a_filter_with_40003()
    {
        Assert.That(Assert.Throws<AblyException>(() => SubscriptionFilter.Raw(" "))!.ErrorInfo.Code, Is.EqualTo(40003));
        Assert.That(Assert.Throws<AblyException>(() => SubscriptionFilter.NameIn())!.ErrorInfo.Code, Is.EqualTo(40003));
        Assert.That(Assert.Throws<AblyException>(() => SubscriptionFilter.HeaderIs("", "x"))!.ErrorInfo.Code, Is.EqualTo(40003));
        Assert.That(Assert.Throws<AblyException>(() => SubscriptionFilter.HeaderLessThan("n", double.NaN))!.ErrorInfo.Code, Is.EqualTo(40003));
    }

    [Test]
    public async Task RTS5a1_RTS5a2_derived_names_carry_the_filter_then_the_params_of_the_name_and_of_the_options()
    {
        var server = new ScriptedAbly(new Microsoft.Reactive.Testing.TestScheduler());
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var filter = SubscriptionFilter.NameIs("quote");
        var b64 = Base64(filter.Expression);

        Assert.That(client.Channels.GetFiltered("ticks", filter).Name, Is.EqualTo("[filter=" + b64 + "]ticks"));
        Assert.That(client.Channels.GetFiltered("[?rewind=1]ticks", filter).Name, Is.EqualTo("[filter=" + b64 + "?rewind=1]ticks"));
        var withParams = new ChannelOptions { Params = new Dictionary<string, string> { ["delta"] = "vcdiff" } };
        Assert.That(client.Channels.GetFiltered("[?rewind=1]ticks2", filter, withParams).Name, Is.EqualTo("[filter=" + b64 + "?rewind=1&delta=vcdiff]ticks2"));
        Assert.That(client.Channels.GetFiltered("ticks3", filter, withParams).Name, Is.EqualTo("[filter=" + b64 + "?delta=vcdiff]ticks3"));
    }

    [Test]
    public async Task RTS5a_a_channel_with_another_qualifier_cannot_be_derived_from_40010()
    {
        var server = new ScriptedAbly(new Microsoft.Reactive.Testing.TestScheduler());
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var filter = SubscriptionFilter.NameIs("quote");
        Assert.That(Assert.Throws<AblyException>(() => client.Channels.GetFiltered("[meta]log", filter))!.ErrorInfo.Code, Is.EqualTo(40010));
        var derived = client.Channels.GetFiltered("ticks", filter).Name;
        Assert.That(Assert.Throws<AblyException>(() => client.Channels.GetFiltered(derived, filter))!.ErrorInfo.Code, Is.EqualTo(40010));
    }
}
