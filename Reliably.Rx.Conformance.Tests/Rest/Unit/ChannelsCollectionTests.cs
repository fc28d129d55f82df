namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>uts/rest/unit/channels_collection.md (RSN1-RSN4): the REST channels collection.</summary>
[TestFixture]
[Category("uts/rest/unit/channels_collection.md")]
public sealed class ChannelsCollectionTests
{
    private static AblyRest Client() => new(new ClientOptions { Key = "appId.keyId:keySecret" });

    private static string RandomId() => Guid.NewGuid().ToString("N")[..8];

    // UTS: rest/unit/RSN1/channels-collection-accessible-0
    [Test]
    public void RSN1_ChannelsCollectionAccessibleViaRestClient()
    {
        using var client = Client();

        Assert.That(client.Channels, Is.Not.Null);
        Assert.That(client.Channels, Is.InstanceOf<RestChannels>());
    }

    // UTS: rest/unit/RSN2/check-channel-exists-0
    [Test]
    public void RSN2_CheckIfChannelExists()
    {
        using var client = Client();
        var name = $"test-RSN2-{RandomId()}";

        var existsBefore = client.Channels.Exists(name);
        client.Channels.Get(name);
        var existsAfter = client.Channels.Exists(name);
        var existsOther = client.Channels.Exists($"test-RSN2-other-{RandomId()}");

        Assert.That(existsBefore, Is.False);
        Assert.That(existsAfter, Is.True);
        Assert.That(existsOther, Is.False);
    }

    // UTS: rest/unit/RSN2/iterate-channels-1
    [Test]
    public void RSN2_IterateThroughExistingChannels()
    {
        using var client = Client();
        var (a, b, c) = ($"test-RSN2-a-{RandomId()}", $"test-RSN2-b-{RandomId()}", $"test-RSN2-c-{RandomId()}");

        client.Channels.Get(a);
        client.Channels.Get(b);
        client.Channels.Get(c);
        var names = client.Channels.Select(ch => ch.Name).ToList();

        Assert.That(names, Does.Contain(a).And.Contain(b).And.Contain(c));
        Assert.That(names, Has.Count.EqualTo(3));
    }

    // UTS: rest/unit/RSN3a/get-creates-new-channel-0
    [Test]
    public void RSN3a_GetCreatesNewChannelIfNoneExists()
    {
        using var client = Client();
        var name = $"test-RSN3a-{RandomId()}";

        var channel = client.Channels.Get(name);

        Assert.That(channel, Is.InstanceOf<RestChannel>());
        Assert.That(channel.Name, Is.EqualTo(name));
        Assert.That(client.Channels.Exists(name), Is.True);
    }

    // UTS: rest/unit/RSN3a/get-returns-existing-channel-1
    [Test]
    public void RSN3a_GetReturnsExistingChannel()
    {
        using var client = Client();
        var name = $"test-RSN3a-existing-{RandomId()}";

        var channel1 = client.Channels.Get(name);
        var channel2 = client.Channels.Get(name);

        Assert.That(channel1, Is.SameAs(channel2));
        Assert.That(channel1.Name, Is.EqualTo(name));
    }

    // UTS: rest/unit/RSN3a/subscript-creates-or-returns-2
    [Test]
    public void RSN3a_IndexerCreatesOrReturnsChannel()
    {
        using var client = Client();
        var name = $"test-RSN3a-subscript-{RandomId()}";

        var channel1 = client.Channels[name];
        var channel2 = client.Channels.Get(name);
        var channel3 = client.Channels[name];

        Assert.That(channel1, Is.SameAs(channel2));
        Assert.That(channel2, Is.SameAs(channel3));
        Assert.That(channel1.Name, Is.EqualTo(name));
    }

    // UTS: rest/unit/RSN4a/release-removes-channel-0
    [Test]
    public void RSN4a_ReleaseRemovesChannel()
    {
        using var client = Client();
        var name = $"test-RSN4a-{RandomId()}";

        client.Channels.Get(name);
        Assert.That(client.Channels.Exists(name), Is.True);
        client.Channels.Release(name);

        Assert.That(client.Channels.Exists(name), Is.False);
    }

    // UTS: rest/unit/RSN4b/release-nonexistent-noop-0
    [Test]
    public void RSN4b_ReleaseOfNonExistentChannelIsNoOp()
    {
        using var client = Client();
        var name = $"test-RSN4b-{RandomId()}";

        Assert.DoesNotThrow(() => client.Channels.Release(name));

        Assert.That(client.Channels.Exists(name), Is.False);
    }

    // UTS: rest/unit/RSN3a/get-after-release-new-instance-3
    [Test]
    public void RSN3a_GetAfterReleaseCreatesNewChannel()
    {
        using var client = Client();
        var name = $"test-RSN3a-release-{RandomId()}";

        var channel1 = client.Channels.Get(name);
        client.Channels.Release(name);
        var channel2 = client.Channels.Get(name);

        Assert.That(channel1, Is.Not.SameAs(channel2));
        Assert.That(channel2.Name, Is.EqualTo(name));
        Assert.That(client.Channels.Exists(name), Is.True);
    }
}
