using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Channel;

/// <summary>uts/rest/unit/channel/rest_channel_attributes.md (RSL7, RSL8, RSL9, CHD2, CHS2, CHO2, CHM2).</summary>
[TestFixture]
[Category("uts/rest/unit/channel/rest_channel_attributes.md")]
public sealed class RestChannelAttributesTests
{
    private static string Status(string channelId, bool isActive, string metrics) =>
        "{\"channelId\":\"" + channelId + "\",\"status\":{\"isActive\":" + (isActive ? "true" : "false")
        + ",\"occupancy\":{\"metrics\":{" + metrics + "}}}}";

    private const string ZeroMetrics = "\"connections\":0,\"publishers\":0,\"subscribers\":0,\"presenceConnections\":0,\"presenceMembers\":0,\"presenceSubscribers\":0";

    private static (MockHttp Mock, AblyRest Client) Setup(string body)
    {
        var mock = new MockHttp(req => req.RespondWith(200, body));
        return (mock, mock.Rest(o => o with { Key = "appId.keyId:keySecret" }));
    }

    // UTS: rest/unit/RSL9/channel-name-attribute-0
    [Test]
    public void RSL9_RestChannelNameAttribute()
    {
        var (_, client) = Setup("[]");
        using var _ = client;

        Assert.That(client.Channels.Get("my-channel").Name, Is.EqualTo("my-channel"));
        Assert.That(client.Channels.Get("namespace:channel-name").Name, Is.EqualTo("namespace:channel-name"));
    }

    // UTS: rest/unit/RSL7/setoptions-updates-options-0
    [Test]
    [Adapted("RestChannel has no setOptions: options are set or updated by Channels.Get(name, options) (RSN3c), which succeeds synchronously; the channel keeps its identity and stores the new options.")]
    public void RSL7_SetOptionsUpdatesChannelOptions()
    {
        var (_, client) = Setup("[]");
        using var _ = client;
        var channel = client.Channels.Get("test-RSL7");
        var options = new ChannelOptions();

        var updated = client.Channels.Get("test-RSL7", options);

        Assert.That(updated, Is.SameAs(channel));
        Assert.That(channel.Options, Is.SameAs(options));
    }

    // UTS: rest/unit/RSL7/setoptions-stores-options-1
    [Test]
    [Adapted("Options are set through Channels.Get(name, options) (RSN3c). The spec's implementation note asks, once encryption is supported, that cipher params so set apply to later publishes: encryption (RSL5) is supported, so that is what this case checks.")]
    public void RSL7_SetOptionsStoresNewOptions()
    {
        var mock = new MockHttp(req => req.RespondWith(201, """{"serials":["s1"]}"""));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        var channel = client.Channels.Get("test-RSL7-store");
        mock.Await(channel.PublishAsync("before", "plain"));

        var options = new ChannelOptions { Cipher = CipherParams.FromBase64(Convert.ToBase64String(CipherParams.GenerateRandomKey(128))) };
        client.Channels.Get("test-RSL7-store", options);
        mock.Await(channel.PublishAsync("after", "secret"));

        Assert.That(channel.Options, Is.SameAs(options));
        Assert.That((string?)MockHttp.Body(mock.Requests[0])[0]!["encoding"], Is.Null);
        Assert.That((string?)MockHttp.Body(mock.Requests[1])[0]!["encoding"], Is.EqualTo("utf-8/cipher+aes-128-cbc/base64"));
    }

    // UTS: rest/unit/RSL8/status-get-correct-endpoint-0
    [Test]
    public void RSL8_StatusMakesGetRequestToTheChannelEndpoint()
    {
        var (mock, client) = Setup(Status("test-RSL8", true, ZeroMetrics));
        using var _ = client;

        mock.Await(client.Channels.Get("test-RSL8").StatusAsync());

        Assert.That(mock.Requests, Has.Count.EqualTo(1));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(mock.Requests[0].Path, Does.EndWith("/channels/test-RSL8"));
    }

    // UTS: rest/unit/RSL8/status-special-chars-encoded-1
    [Test]
    public void RSL8_StatusEncodesSpecialCharactersInTheChannelName()
    {
        var (mock, client) = Setup(Status("namespace:my channel", true, ZeroMetrics));
        using var _ = client;

        mock.Await(client.Channels.Get("namespace:my channel").StatusAsync());

        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(mock.Requests[0].Path, Does.EndWith("/channels/" + Uri.EscapeDataString("namespace:my channel")));
    }

    // UTS: rest/unit/RSL8a/status-returns-channel-details-0
    [Test]
    public void RSL8a_StatusReturnsChannelDetails()
    {
        var (mock, client) = Setup(Status("test-RSL8a", true, "\"connections\":5,\"publishers\":2,\"subscribers\":3,\"presenceConnections\":1,\"presenceMembers\":1,\"presenceSubscribers\":0"));
        using var _ = client;

        var result = mock.Await(client.Channels.Get("test-RSL8a").StatusAsync());

        Assert.That(result, Is.InstanceOf<ChannelDetails>());
        Assert.That(result.ChannelId, Is.EqualTo("test-RSL8a"));
        Assert.That(result.Status, Is.Not.Null);
        Assert.That(result.Status!.IsActive, Is.True);
        Assert.That(result.Status.Occupancy, Is.Not.Null);
        Assert.That(result.Status.Occupancy!.Metrics!.Connections, Is.EqualTo(5));
        Assert.That(result.Status.Occupancy.Metrics.Publishers, Is.EqualTo(2));
        Assert.That(result.Status.Occupancy.Metrics.Subscribers, Is.EqualTo(3));
    }

    // UTS: rest/unit/CHM2/parses-all-metrics-fields-0
    [Test]
    public void CHD2_CHD2a_CHD2b_CHS2_CHS2a_CHS2b_CHO2_CHO2a_CHM2_CHM2a_CHM2b_CHM2c_CHM2d_CHM2e_CHM2f_CHM2g_CHM2h_StatusParsesAllChannelMetricsFields()
    {
        var (mock, client) = Setup(Status("test-CHM2-all-fields", true,
            "\"connections\":10,\"presenceConnections\":7,\"presenceMembers\":4,\"presenceSubscribers\":3,\"publishers\":6,\"subscribers\":8,\"objectPublishers\":2,\"objectSubscribers\":5"));
        using var _ = client;

        var result = mock.Await(client.Channels.Get("test-CHM2-all-fields").StatusAsync());

        Assert.That(result.ChannelId, Is.EqualTo("test-CHM2-all-fields"));
        Assert.That(result.Status, Is.Not.Null);
        Assert.That(result.Status!.IsActive, Is.True);
        Assert.That(result.Status.Occupancy, Is.Not.Null);
        Assert.That(result.Status.Occupancy!.Metrics, Is.Not.Null);
        var metrics = result.Status.Occupancy.Metrics!;
        Assert.That(metrics.Connections, Is.EqualTo(10));
        Assert.That(metrics.PresenceConnections, Is.EqualTo(7));
        Assert.That(metrics.PresenceMembers, Is.EqualTo(4));
        Assert.That(metrics.PresenceSubscribers, Is.EqualTo(3));
        Assert.That(metrics.Publishers, Is.EqualTo(6));
        Assert.That(metrics.Subscribers, Is.EqualTo(8));
        Assert.That(metrics.ObjectPublishers, Is.EqualTo(2));
        Assert.That(metrics.ObjectSubscribers, Is.EqualTo(5));
    }

    // UTS: rest/unit/CHM2/zero-and-missing-metrics-1
    [Test]
    public void CHM2_CHD2a_CHS2a_StatusWithZeroAndMissingMetricFields()
    {
        var (mock, client) = Setup(Status("test-CHM2-defaults", false, ZeroMetrics));
        using var _ = client;

        var result = mock.Await(client.Channels.Get("test-CHM2-defaults").StatusAsync());

        Assert.That(result.ChannelId, Is.EqualTo("test-CHM2-defaults"));
        Assert.That(result.Status!.IsActive, Is.False);
        var metrics = result.Status.Occupancy!.Metrics!;
        Assert.That(metrics.Connections, Is.EqualTo(0));
        Assert.That(metrics.PresenceConnections, Is.EqualTo(0));
        Assert.That(metrics.PresenceMembers, Is.EqualTo(0));
        Assert.That(metrics.PresenceSubscribers, Is.EqualTo(0));
        Assert.That(metrics.Publishers, Is.EqualTo(0));
        Assert.That(metrics.Subscribers, Is.EqualTo(0));
        Assert.That(metrics.ObjectPublishers, Is.EqualTo(0));
        Assert.That(metrics.ObjectSubscribers, Is.EqualTo(0));
    }
}
