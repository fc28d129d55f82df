using Reliably.Rx.Tests.Http;

namespace Reliably.Rx.Tests.Rest;

[TestFixture]
public sealed class RestChannelsTests
{
    private static AblyRest Client() => TestClients.Rest(new FakeHttpHandler(_ => throw new AssertionException("no HTTP expected")));

    [Test]
    public void RSN2_ExistsAndIteration()
    {
        using var rest = Client();
        Assert.That(rest.Channels.Exists("a"), Is.False);
        rest.Channels.Get("a");
        rest.Channels.Get("b");
        rest.Channels.Get("c");

        Assert.That(rest.Channels.Exists("a"), Is.True);
        Assert.That(rest.Channels.Exists("other"), Is.False);
        Assert.That(rest.Channels.Select(c => c.Name), Is.EquivalentTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public void RSN3a_IndexerAndGetReturnTheSameInstance()
    {
        using var rest = Client();
        var first = rest.Channels["x"];
        Assert.That(rest.Channels.Get("x"), Is.SameAs(first));
        Assert.That(rest.Channels["x"], Is.SameAs(first));
        Assert.That(first.Name, Is.EqualTo("x"));
    }

    [Test]
    public void RSN3c_OptionsGivenToGetReplaceTheChannelsOptions()
    {
        using var rest = Client();
        var cipher = new CipherParams(CipherParams.GenerateRandomKey());
        var channel = rest.Channels.Get("x");
        Assert.That(channel.Options.Cipher, Is.Null);

        rest.Channels.Get("x", new ChannelOptions { Cipher = cipher });
        Assert.That(channel.Options.Cipher, Is.EqualTo(cipher));

        rest.Channels.Get("x");
        Assert.That(channel.Options.Cipher, Is.EqualTo(cipher), "Get without options keeps them");
    }

    [Test]
    public void RSN4_ReleaseRemovesAndIsANoOpForUnknownChannels()
    {
        using var rest = Client();
        var before = rest.Channels.Get("x");
        Assert.That(rest.Channels.Release("x"), Is.True);
        Assert.That(rest.Channels.Exists("x"), Is.False);
        Assert.That(rest.Channels.Release("never-created"), Is.False);
        Assert.That(rest.Channels.Get("x"), Is.Not.SameAs(before));
    }
}
