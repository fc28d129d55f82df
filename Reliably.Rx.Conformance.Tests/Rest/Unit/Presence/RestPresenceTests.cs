using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit.Presence;

/// <summary>uts/rest/unit/presence/rest_presence.md (RSP1, RSP3, RSP4, RSP5): <c>RestPresence</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/presence/rest_presence.md")]
public sealed class RestPresenceTests
{
    private static (MockHttp Mock, AblyRest Client, RestChannel Channel) Setup(string body = "[]", int status = 200, Func<ClientOptions, ClientOptions>? configure = null)
    {
        var mock = new MockHttp(req => req.RespondWith(status, body));
        var client = mock.Rest(o => configure is null ? o with { Key = "appId.keyId:keySecret" } : configure(o with { Key = "appId.keyId:keySecret" }));
        return (mock, client, client.Channels.Get(MockHttp.RandomName("test-RSP")));
    }

    /// <summary>Runs <paramref name="call"/> on a fresh client answering <paramref name="body"/> and returns the request it sent.</summary>
    private static ScriptedHttpRequest RequestOf(Func<RestPresence, Task> call, string body = "[]")
    {
        var (mock, client, channel) = Setup(body);
        using var _ = client;
        mock.Await(call(channel.Presence));
        Assert.That(mock.Requests, Has.Count.EqualTo(1));
        return mock.Requests[0];
    }

    private static PaginatedResult<PresenceMessage> Get(string body, bool history = false)
    {
        var (mock, client, channel) = Setup(body);
        using var _ = client;
        return mock.Await(history ? channel.Presence.HistoryAsync() : channel.Presence.GetAsync());
    }

    private static readonly DateTimeOffset Jan1 = DateTimeOffset.FromUnixTimeMilliseconds(1609459200000);
    private static readonly DateTimeOffset Jan2 = DateTimeOffset.FromUnixTimeMilliseconds(1609545600000);

    // UTS: rest/unit/RSP1a/presence-channel-attribute-0
    [Test]
    public void RSP1a_RSL3_PresenceAccessibleViaRestChannelPresence()
    {
        var (_, client, channel) = Setup();
        using var _ = client;

        Assert.That(channel.Presence, Is.InstanceOf<RestPresence>());
        Assert.That(channel.Presence.Channel.Name, Is.EqualTo(channel.Name));
    }

    // UTS: rest/unit/RSP1b/same-instance-returned-0
    [Test]
    public void RSP1b_SamePresenceObjectReturnedForTheSameChannel()
    {
        var (_, client, channel) = Setup();
        using var _ = client;

        Assert.That(channel.Presence, Is.SameAs(channel.Presence));
        Assert.That(client.Channels.Get(channel.Name).Presence, Is.SameAs(channel.Presence));
    }

    // UTS: rest/unit/RSP3a/get-request-endpoint-0
    [Test]
    public void RSP3a_GetSendsGetRequestToThePresenceEndpoint()
    {
        var (mock, client, channel) = Setup("""[{"action":1,"clientId":"client1","data":"hello"},{"action":1,"clientId":"client2","data":"world"}]""");
        using var _ = client;

        var result = mock.Await(channel.Presence.GetAsync());

        Assert.That(mock.Requests, Has.Count.EqualTo(1));
        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(mock.Requests[0].Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(channel.Name) + "/presence"));
        Assert.That(result, Is.InstanceOf<PaginatedResult<PresenceMessage>>());
        Assert.That(result.Items, Has.Count.EqualTo(2));
    }

    // UTS: rest/unit/RSP3b/get-returns-presence-messages-0
    [Test]
    public void RSP3b_GetReturnsPresenceMessages()
    {
        var result = Get("""[{"action":1,"clientId":"user123","connectionId":"conn456","data":"status data","encoding":null,"timestamp":1234567890000}]""");

        Assert.That(result.Items, Has.Count.EqualTo(1));
        var item = result.Items[0];
        Assert.That(item, Is.InstanceOf<PresenceMessage>());
        Assert.That(item.Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(item.ClientId, Is.EqualTo("user123"));
        Assert.That(item.ConnectionId, Is.EqualTo("conn456"));
        Assert.That(item.Data, Is.EqualTo("status data"));
        Assert.That(item.Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1234567890000)));
    }

    // UTS: rest/unit/RSP3c/get-empty-members-0
    [Test]
    public void RSP3c_GetWithNoMembersReturnsAnEmptyList()
    {
        var result = Get("[]");

        Assert.That(result.Items, Is.Empty);
        Assert.That(result.HasNext, Is.False);
    }

    // UTS: rest/unit/RSP3a1/get-limit-parameter-0
    [Test]
    public void RSP3a1_RSP3a1a_GetWithLimitParameter() =>
        Assert.That(RequestOf(p => p.GetAsync(limit: 50), """[{"action":1,"clientId":"client1"},{"action":1,"clientId":"client2"}]""").Query("limit"), Is.EqualTo("50"));

    // UTS: rest/unit/RSP3a1/get-limit-default-100-1
    [Test]
    public void RSP3a1_RSP3a1b_GetLimitDefaultsTo100() =>
        Assert.That(RequestOf(p => p.GetAsync()).Query("limit"), Is.Null.Or.EqualTo("100"));

    // UTS: rest/unit/RSP3a1/get-limit-max-1000-2
    [Test]
    public void RSP3a1_RSP3a1c_GetLimitMaximumIs1000() =>
        Assert.That(RequestOf(p => p.GetAsync(limit: 1000)).Query("limit"), Is.EqualTo("1000"));

    // UTS: rest/unit/RSP3a2/get-clientid-filter-0
    [Test]
    public void RSP3a2_GetWithClientIdFilter() =>
        Assert.That(RequestOf(p => p.GetAsync(clientId: "specific-client"), """[{"action":1,"clientId":"specific-client","data":"filtered"}]""").Query("clientId"), Is.EqualTo("specific-client"));

    // UTS: rest/unit/RSP3a3/get-connectionid-filter-0
    [Test]
    public void RSP3a3_GetWithConnectionIdFilter() =>
        Assert.That(RequestOf(p => p.GetAsync(connectionId: "conn123"), """[{"action":1,"clientId":"client1","connectionId":"conn123"}]""").Query("connectionId"), Is.EqualTo("conn123"));

    // UTS: rest/unit/RSP3/get-multiple-filters-0
    [Test]
    public void RSP3_GetWithMultipleFilters()
    {
        var request = RequestOf(p => p.GetAsync(limit: 25, clientId: "user1", connectionId: "conn1"));

        Assert.That(request.Query("limit"), Is.EqualTo("25"));
        Assert.That(request.Query("clientId"), Is.EqualTo("user1"));
        Assert.That(request.Query("connectionId"), Is.EqualTo("conn1"));
    }

    // UTS: rest/unit/RSP4a/history-request-endpoint-0
    [Test]
    public void RSP4a_HistorySendsGetRequestToThePresenceHistoryEndpoint()
    {
        var (mock, client, channel) = Setup("""[{"action":2,"clientId":"client1","data":"entered"},{"action":4,"clientId":"client1","data":"left"}]""");
        using var _ = client;

        var result = mock.Await(channel.Presence.HistoryAsync());

        Assert.That(mock.Requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(mock.Requests[0].Path, Is.EqualTo("/channels/" + Uri.EscapeDataString(channel.Name) + "/presence/history"));
        Assert.That(result, Is.InstanceOf<PaginatedResult<PresenceMessage>>());
    }

    // UTS: rest/unit/RSP4a/history-returns-paginated-1
    [Test]
    public void RSP4a_HistoryReturnsPaginatedResultOfPresenceMessage()
    {
        var result = Get("""
            [{"action":2,"clientId":"user1","data":"d1","timestamp":1000},
             {"action":3,"clientId":"user1","data":"d2","timestamp":2000},
             {"action":4,"clientId":"user1","data":"d3","timestamp":3000}]
            """, history: true);

        Assert.That(result, Is.InstanceOf<PaginatedResult<PresenceMessage>>());
        Assert.That(result.Items, Has.Count.EqualTo(3));
        Assert.That(result.Items[0].Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(result.Items[1].Action, Is.EqualTo(PresenceAction.Leave));
        Assert.That(result.Items[2].Action, Is.EqualTo(PresenceAction.Update));
    }

    // UTS: rest/unit/RSP4b1/history-start-parameter-0
    [Test]
    public void RSP4b1_RSP4b1a_HistoryWithStartParameter() =>
        Assert.That(RequestOf(p => p.HistoryAsync(new HistoryQuery { Start = Jan1 })).Query("start"), Is.EqualTo("1609459200000"));

    // UTS: rest/unit/RSP4b1/history-end-parameter-1
    [Test]
    public void RSP4b1_RSP4b1b_HistoryWithEndParameter() =>
        Assert.That(RequestOf(p => p.HistoryAsync(new HistoryQuery { End = Jan2 })).Query("end"), Is.EqualTo("1609545600000"));

    // UTS: rest/unit/RSP4b1/history-start-end-params-2
    [Test]
    public void RSP4b1_RSP4b1c_HistoryWithStartAndEndParameters()
    {
        var request = RequestOf(p => p.HistoryAsync(new HistoryQuery { Start = Jan1, End = Jan2 }));

        Assert.That(request.Query("start"), Is.EqualTo("1609459200000"));
        Assert.That(request.Query("end"), Is.EqualTo("1609545600000"));
    }

    // UTS: rest/unit/RSP4b1/history-datetime-objects-3
    [Test]
    public void RSP4b1_RSP4b1d_HistoryAcceptsDateTimeObjectsForStartAndEnd() =>
        Assert.That(RequestOf(p => p.HistoryAsync(new HistoryQuery { Start = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero) })).Query("start"), Is.EqualTo("1609459200000"));

    // UTS: rest/unit/RSP4b2/history-direction-backwards-default-0
    [Test]
    public void RSP4b2_RSP4b2a_HistoryDirectionBackwardsByDefault() =>
        Assert.That(RequestOf(p => p.HistoryAsync()).Query("direction"), Is.Null.Or.EqualTo("backwards"));

    // UTS: rest/unit/RSP4b2/history-direction-forwards-1
    [Test]
    public void RSP4b2_RSP4b2b_HistoryWithDirectionForwards() =>
        Assert.That(RequestOf(p => p.HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Forwards })).Query("direction"), Is.EqualTo("forwards"));

    // UTS: rest/unit/RSP4b2/history-direction-backwards-explicit-2
    [Test]
    public void RSP4b2_RSP4b2c_HistoryWithDirectionBackwardsExplicit() =>
        Assert.That(RequestOf(p => p.HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Backwards })).Query("direction"), Is.EqualTo("backwards"));

    // UTS: rest/unit/RSP4b3/history-limit-parameter-0
    [Test]
    public void RSP4b3_RSP4b3a_HistoryWithLimitParameter() =>
        Assert.That(RequestOf(p => p.HistoryAsync(new HistoryQuery { Limit = 50 })).Query("limit"), Is.EqualTo("50"));

    // UTS: rest/unit/RSP4b3/history-limit-default-100-1
    [Test]
    public void RSP4b3_RSP4b3b_HistoryLimitDefaultsTo100() =>
        Assert.That(RequestOf(p => p.HistoryAsync()).Query("limit"), Is.Null.Or.EqualTo("100"));

    // UTS: rest/unit/RSP4b3/history-limit-max-1000-2
    [Test]
    public void RSP4b3_RSP4b3c_HistoryLimitMaximumIs1000() =>
        Assert.That(RequestOf(p => p.HistoryAsync(new HistoryQuery { Limit = 1000 })).Query("limit"), Is.EqualTo("1000"));

    // UTS: rest/unit/RSP4/history-all-parameters-0
    [Test]
    public void RSP4_HistoryWithAllParameters()
    {
        var request = RequestOf(p => p.HistoryAsync(new HistoryQuery { Start = Jan1, End = Jan2, Direction = PaginationDirection.Forwards, Limit = 50 }));

        Assert.That(request.Query("start"), Is.EqualTo("1609459200000"));
        Assert.That(request.Query("end"), Is.EqualTo("1609545600000"));
        Assert.That(request.Query("direction"), Is.EqualTo("forwards"));
        Assert.That(request.Query("limit"), Is.EqualTo("50"));
    }

    // UTS: rest/unit/RSP5/decode-string-data-0
    [Test]
    public void RSP5_RSP5a_StringDataDecodedAsString()
    {
        var data = Get("""[{"action":1,"clientId":"c1","data":"plain string data"}]""").Items[0].Data;

        Assert.That(data, Is.InstanceOf<string>());
        Assert.That(data, Is.EqualTo("plain string data"));
    }

    // UTS: rest/unit/RSP5/decode-json-data-1
    [Test]
    public void RSP5_RSP5b_JsonEncodedDataDecodedToObject()
    {
        var item = Get("""[{"action":1,"clientId":"c1","data":"{\"status\":\"online\",\"count\":42}","encoding":"json"}]""").Items[0];

        Assert.That(item.Data, Is.InstanceOf<JObject>());
        Assert.That((string?)((JObject)item.Data!)["status"], Is.EqualTo("online"));
        Assert.That((int)((JObject)item.Data!)["count"]!, Is.EqualTo(42));
        Assert.That(item.Encoding, Is.Null);
    }

    // UTS: rest/unit/RSP5/decode-base64-binary-2
    [Test]
    public void RSP5_RSP5c_Base64EncodedDataDecodedToBinary()
    {
        var item = Get("""[{"action":1,"clientId":"c1","data":"SGVsbG8gV29ybGQ=","encoding":"base64"}]""").Items[0];

        Assert.That(item.Data, Is.InstanceOf<byte[]>());
        Assert.That(item.Data, Is.EqualTo(System.Text.Encoding.UTF8.GetBytes("Hello World")));
        Assert.That(item.Encoding, Is.Null);
    }

    // UTS: rest/unit/RSP5/decode-msgpack-binary-3
    [Test]
    public void RSP5_BinaryPresenceDataDecodedFromAMessagePackResponse()
    {
        var payload = new byte[] { 0x73, 0x6F, 0x6D, 0x65, 0x20, 0x64, 0x61, 0x74, 0x61 };
        var mock = new MockHttp(req => req.RespondWith(200, Msgpack.Encode(new object[] { Msgpack.Map(("action", 1), ("clientId", "client1"), ("data", payload)) }), Msgpack.ContentType));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret", UseBinaryProtocol = true });

        var item = mock.Await(client.Channels.Get(MockHttp.RandomName("test-RSP5-msgpack")).Presence.GetAsync()).Items[0];

        Assert.That(item.Data, Is.InstanceOf<byte[]>());
        Assert.That(item.Data, Is.EqualTo(payload));
        Assert.That(item.Encoding, Is.Null);
    }

    // UTS: rest/unit/RSP5/decode-utf8-data-4
    [Test]
    public void RSP5_RSP5d_Utf8EncodedDataDecodedCorrectly()
    {
        var data = Get("""[{"action":1,"clientId":"c1","data":"SGVsbG8gV29ybGQ=","encoding":"utf-8/base64"}]""").Items[0].Data;

        Assert.That(data, Is.InstanceOf<string>());
        Assert.That(data, Is.EqualTo("Hello World"));
    }

    // UTS: rest/unit/RSP5/decode-chained-encoding-5
    [Test]
    public void RSP5_RSP5e_ChainedEncodingDecodedInOrder()
    {
        var data = Get("""[{"action":1,"clientId":"c1","data":"eyJrZXkiOiJ2YWx1ZSJ9","encoding":"json/base64"}]""").Items[0].Data;

        Assert.That(data, Is.InstanceOf<JObject>());
        Assert.That((string?)((JObject)data!)["key"], Is.EqualTo("value"));
    }

    // UTS: rest/unit/RSP5/decode-history-messages-6
    [Test]
    public void RSP5_RSP5f_HistoryMessagesAlsoDecoded()
    {
        var data = Get("""[{"action":2,"clientId":"c1","data":"{\"event\":\"entered\"}","encoding":"json"}]""", history: true).Items[0].Data;

        Assert.That(data, Is.InstanceOf<JObject>());
        Assert.That((string?)((JObject)data!)["event"], Is.EqualTo("entered"));
    }

    // UTS: rest/unit/RSP5/decode-cipher-channel-7
    [Test]
    [Adapted("The case's ciphertext is truncated to one block after the IV: with its key that block decrypts to '{\"example\":{\"jso' without valid PKCS#7 padding, so no library can decode it (RSL5b, RSL6b). The test encrypts the case's plaintext {\"secret\":\"data\"} itself with the case's key (AES-128-CBC, PKCS#7, the IV before the ciphertext, RSL5b), using .NET's AES rather than the library's, and checks the channel's cipher decodes it to an object.")]
    public void RSP5_RSP5g_CipherDecodingWithChannelOptions()
    {
        const string Key = "WUP6u0K7MXI5Zeo0VppPwg==";
        var mock = new MockHttp(req => req.RespondWith(200, $$"""[{"action":1,"clientId":"c1","data":"{{Encrypt(Key, """{"secret":"data"}""")}}","encoding":"json/utf-8/cipher+aes-128-cbc/base64"}]"""));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });
        var channel = client.Channels.Get(MockHttp.RandomName("test-RSP5g"), new ChannelOptions { Cipher = CipherParams.FromBase64(Key) });

        var item = mock.Await(channel.Presence.GetAsync()).Items[0];

        Assert.That(item.Data, Is.InstanceOf<JObject>(), item.Encoding);
        Assert.That((string?)((JObject)item.Data!)["secret"], Is.EqualTo("data"));
        Assert.That(item.Encoding, Is.Null);
    }

    /// <summary>The base64 of IV + AES-128-CBC ciphertext of <paramref name="plaintext"/> (UTF-8, PKCS#7), as RSL5b puts it on the wire.</summary>
    private static string Encrypt(string base64Key, string plaintext)
    {
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = Convert.FromBase64String(base64Key);
        var iv = Enumerable.Range(0, 16).Select(i => (byte)(i * 7)).ToArray();
        var ciphertext = aes.EncryptCbc(System.Text.Encoding.UTF8.GetBytes(plaintext), iv, System.Security.Cryptography.PaddingMode.PKCS7);
        return Convert.ToBase64String([.. iv, .. ciphertext]);
    }

    // UTS: rest/unit/RSP3/get-pagination-link-header-1
    [Test]
    public void RSP3_GetReturnsAPaginatedResultWithALinkHeader()
    {
        var name = MockHttp.RandomName("test-RSP-page");
        var mock = new MockHttp(req => req.RespondWith(200, """[{"action":1,"clientId":"client1"},{"action":1,"clientId":"client2"}]""",
            new Dictionary<string, string> { ["Link"] = "</channels/" + name + "/presence?page=2>; rel=\"next\"" }));
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        var result = mock.Await(client.Channels.Get(name).Presence.GetAsync());

        Assert.That(result.Items, Has.Count.EqualTo(2));
        Assert.That(result.HasNext, Is.True);
    }

    // UTS: rest/unit/RSP3/get-pagination-next-page-2
    [Test]
    public void RSP3_GetNextPageFetchesFromTheLinkUrl()
    {
        var name = MockHttp.RandomName("test-RSP-next");
        var count = 0;
        var mock = new MockHttp(req =>
        {
            if (++count == 1)
            {
                req.RespondWith(200, """[{"action":1,"clientId":"client1"}]""", new Dictionary<string, string> { ["Link"] = "</channels/" + name + "/presence?page=2>; rel=\"next\"" });
            }
            else
            {
                req.RespondWith(200, """[{"action":1,"clientId":"client2"}]""");
            }
        });
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        var page1 = mock.Await(client.Channels.Get(name).Presence.GetAsync());
        var page2 = mock.Await(page1.NextAsync())!;

        Assert.That(page1.Items[0].ClientId, Is.EqualTo("client1"));
        Assert.That(page2.Items[0].ClientId, Is.EqualTo("client2"));
        Assert.That(page2.HasNext, Is.False);
        Assert.That(mock.Requests[1].Query("page"), Is.EqualTo("2"));
    }

    // UTS: rest/unit/RSP4/history-pagination-1
    [Test]
    [Ignore("UTS spec error: the second page's member has wire action 4 and the case expects PresenceAction.leave; features.md TP2 orders the actions ABSENT, PRESENT, ENTER, LEAVE, UPDATE, so 4 is UPDATE (the same file's RSP4a and presence-action-mapping cases read 4 as update)")]
    public void RSP4_HistoryPaginationWorksTheSame()
    {
        var name = MockHttp.RandomName("test-RSP-history-page");
        var count = 0;
        var mock = new MockHttp(req =>
        {
            if (++count == 1)
            {
                req.RespondWith(200, """[{"action":2,"clientId":"c1","timestamp":3000}]""", new Dictionary<string, string> { ["Link"] = "</channels/" + name + "/presence/history?page=2>; rel=\"next\"" });
            }
            else
            {
                req.RespondWith(200, """[{"action":4,"clientId":"c1","timestamp":1000}]""");
            }
        });
        using var client = mock.Rest(o => o with { Key = "appId.keyId:keySecret" });

        var page1 = mock.Await(client.Channels.Get(name).Presence.HistoryAsync());
        var page2 = mock.Await(page1.NextAsync())!;

        Assert.That(page1.Items[0].Action, Is.EqualTo(PresenceAction.Enter));
        Assert.That(page2.Items[0].Action, Is.EqualTo(PresenceAction.Leave));
    }

    // UTS: rest/unit/RSP3/get-server-error-3
    [Test]
    public void RSP3_GetWithAServerErrorThrowsAblyException()
    {
        var (mock, client, channel) = Setup(MockHttp.Error(50000, 500, "Internal server error"), 500);
        using var _ = client;

        var error = mock.AwaitFailure(channel.Presence.GetAsync());

        Assert.That(error.Code, Is.EqualTo(50000));
        Assert.That(error.StatusCode, Is.EqualTo(500));
    }

    // UTS: rest/unit/RSP4/history-auth-error-2
    [Test]
    public void RSP4_HistoryWithInvalidAuthThrowsAblyException()
    {
        var mock = new MockHttp(req => req.RespondWith(401, MockHttp.Error(40101, 401, "Invalid credentials")));
        using var client = mock.Rest(o => o with { Key = "invalid.key:secret" });

        var error = mock.AwaitFailure(client.Channels.Get(MockHttp.RandomName("test-RSP-auth")).Presence.HistoryAsync());

        Assert.That(error.Code, Is.EqualTo(40101));
        Assert.That(error.StatusCode, Is.EqualTo(401));
    }

    // UTS: rest/unit/RSP3/get-channel-not-found-4
    [Test]
    public void RSP3_GetWithChannelNotFound()
    {
        var (mock, client, channel) = Setup(MockHttp.Error(40400, 404, "Channel not found"), 404);
        using var _ = client;

        var error = mock.AwaitFailure(channel.Presence.GetAsync());

        Assert.That(error.Code, Is.EqualTo(40400));
        Assert.That(error.StatusCode, Is.EqualTo(404));
    }

    // UTS: rest/unit/RSP3/get-standard-headers-5
    [Test]
    public void RSP3_GetIncludesStandardHeaders()
    {
        var request = RequestOf(p => p.GetAsync());

        Assert.That(request.Header("X-Ably-Version"), Is.Not.Null);
        Assert.That(request.Header("Ably-Agent"), Does.Contain("ably-"));
        Assert.That(request.Header("Accept"), Is.Not.Null);
    }

    // UTS: rest/unit/RSP4/history-auth-header-3
    [Test]
    public void RSP4_HistoryIncludesTheAuthorizationHeader() =>
        Assert.That(RequestOf(p => p.HistoryAsync()).Header("Authorization"), Does.StartWith("Basic "));

    // UTS: rest/unit/RSP3/get-request-id-enabled-6
    [Test]
    public void RSP3_RequestIdIncludedWhenEnabled()
    {
        var (mock, client, channel) = Setup(configure: o => o with { AddRequestIds = true });
        using var _ = client;

        mock.Await(channel.Presence.GetAsync());

        Assert.That(mock.Requests[0].Query("request_id"), Is.Not.Null.And.Not.Empty);
    }

    // UTS: rest/unit/RSP5/presence-action-mapping-8
    [Test]
    public void RSP5_AllPresenceActionsCorrectlyMapped()
    {
        var items = Get("""
            [{"action":0,"clientId":"c1"},{"action":1,"clientId":"c2"},{"action":2,"clientId":"c3"},
             {"action":3,"clientId":"c4"},{"action":4,"clientId":"c5"}]
            """, history: true).Items;

        Assert.That(items.Select(i => i.Action), Is.EqualTo(new[]
        {
            PresenceAction.Absent, PresenceAction.Present, PresenceAction.Enter, PresenceAction.Leave, PresenceAction.Update,
        }));
    }
}
