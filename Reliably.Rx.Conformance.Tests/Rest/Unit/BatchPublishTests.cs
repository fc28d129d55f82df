using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;
using static Reliably.Rx.Conformance.Tests.Support.HttpScript;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>
/// uts/rest/unit/batch_publish.md (RSC22, BSP, BPR, BPF): <c>RestClient#batchPublish</c>. The spec describes its mock
/// answers by the per-channel results they carry; the REST API wraps them in a BatchResult (BAR2) per spec, in an array
/// (RSC22b), and that is what the scripted server answers here.
/// </summary>
[TestFixture]
[Category("uts/rest/unit/batch_publish.md")]
public sealed partial class BatchPublishTests
{
    private const string Key = "appId.keyId:keySecret";

    private const string OneRecordPerResult = "BatchPublishSuccessResult and BatchPublishFailureResult are one record, BatchPublishResult, " +
        "whose Success (no Error) tells them apart: C# has no union types, and a result is read the same way either way.";

    private static string RandomId() => Guid.NewGuid().ToString("N")[..8];

    private static Message Msg(string name, object? data) => new(name, data);

    /// <summary>A BatchResult (BAR2) with these per-channel results, as the server sends it for one spec.</summary>
    private static JObject BatchResultOf(params JObject[] results) => new()
    {
        ["successCount"] = results.Count(r => r["error"] is null),
        ["failureCount"] = results.Count(r => r["error"] is not null),
        ["results"] = new JArray(results.Cast<object>().ToArray()),
    };

    private static JObject Success(string channel, string messageId, params string?[] serials) =>
        new() { ["channel"] = channel, ["messageId"] = messageId, ["serials"] = new JArray(serials.Select(s => (JToken?)s ?? JValue.CreateNull()).ToArray()) };

    private static JObject Failure(string channel, int code, int statusCode, string message) =>
        new() { ["channel"] = channel, ["error"] = new JObject { ["code"] = code, ["statusCode"] = statusCode, ["message"] = message } };

    /// <summary>A server answering every request with these BatchResults, and a client with a key (and <paramref name="configure"/>).</summary>
    private static (TestScheduler Scheduler, ScriptedAbly Server, AblyRest Client) Answering(
        JObject[] batchResults, Func<ClientOptions, ClientOptions>? configure = null)
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(201, new JArray(batchResults.Cast<object>().ToArray()).ToString(Newtonsoft.Json.Formatting.None));
        var client = server.CreateRest(o => (configure ?? (x => x))(o with { Key = Key }));
        return (scheduler, server, client);
    }

    /// <summary>Publishes <paramref name="spec"/> to a server answering with a success per channel; returns the one request's body (JSON protocol).</summary>
    private static JToken BodyOf(BatchPublishSpec spec, Func<ClientOptions, ClientOptions>? configure = null)
    {
        var answer = BatchResultOf(spec.Channels.Select(c => Success(c, "msg", spec.Messages.Select((_, i) => (string?)$"s{i}").ToArray())).ToArray());
        var (scheduler, server, client) = Answering([answer], o => (configure ?? (x => x))(o with { UseBinaryProtocol = false }));
        using var _ = client;

        scheduler.Await(client.BatchPublishAsync(spec));

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        return server.HttpRequests[0].BodyTree();
    }

    /// <summary>The result of publishing one spec to one channel when the server answers with <paramref name="result"/>.</summary>
    private static BatchPublishResult OneResult(JObject result)
    {
        var (scheduler, _, client) = Answering([BatchResultOf(result)]);
        using var __ = client;

        var batch = scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = [(string)result["channel"]!], Messages = [Msg("e", "d")] }));

        Assert.That(batch.Results, Has.Count.EqualTo(1));
        return batch.Results[0];
    }

    // UTS: rest/unit/RSC22c/single-spec-post-messages-0
    [Test]
    public void RSC22c_RSC22c1_SingleSpecSendsPostToMessages()
    {
        var (channel1, channel2) = ($"test-RSC22c1-a-{RandomId()}", $"test-RSC22c1-b-{RandomId()}");
        var (scheduler, server, client) = Answering([BatchResultOf(Success(channel1, "m", "s1"), Success(channel2, "m", "s1"))], o => o with { UseBinaryProtocol = false });
        using var _ = client;

        scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = [channel1, channel2], Messages = [Msg("event", "hello")] }));

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(server.HttpRequests[0].Path, Is.EqualTo("/messages"));
        var spec = server.HttpRequests[0].BodyTree().Single();
        Assert.That(spec["channels"]!.Values<string>(), Is.EqualTo(new[] { channel1, channel2 }));
        Assert.That(spec["messages"]!.Count(), Is.EqualTo(1));
        Assert.That((string?)spec["messages"]![0]!["name"], Is.EqualTo("event"));
        Assert.That((string?)spec["messages"]![0]!["data"], Is.EqualTo("hello"));
    }

    // UTS: rest/unit/RSC22c/array-specs-post-messages-0
    [Test]
    public void RSC22c_RSC22c2_ArrayOfSpecsSendsPostToMessages()
    {
        var (channel1, channel2) = ($"test-RSC22c2-a-{RandomId()}", $"test-RSC22c2-b-{RandomId()}");
        var (scheduler, server, client) = Answering([BatchResultOf(Success(channel1, "m1", "s1")), BatchResultOf(Success(channel2, "m2", "s2"))], o => o with { UseBinaryProtocol = false });
        using var _ = client;

        scheduler.Await(client.BatchPublishAsync(new[]
        {
            new BatchPublishSpec { Channels = [channel1], Messages = [Msg("e1", "d1")] },
            new BatchPublishSpec { Channels = [channel2], Messages = [Msg("e2", "d2")] },
        }));

        Assert.That(server.HttpRequests, Has.Count.EqualTo(1));
        Assert.That(server.HttpRequests[0].Method, Is.EqualTo(HttpMethod.Post));
        Assert.That(server.HttpRequests[0].Path, Is.EqualTo("/messages"));
        var body = (JArray)server.HttpRequests[0].BodyTree();
        Assert.That(body, Has.Count.EqualTo(2));
        Assert.That(body[0]["channels"]!.Values<string>(), Is.EqualTo(new[] { channel1 }));
        Assert.That((string?)body[0]["messages"]![0]!["name"], Is.EqualTo("e1"));
        Assert.That(body[1]["channels"]!.Values<string>(), Is.EqualTo(new[] { channel2 }));
        Assert.That((string?)body[1]["messages"]![0]!["data"], Is.EqualTo("d2"));
    }

    // UTS: rest/unit/RSC22c/single-spec-single-result-0
    [Test]
    public void RSC22b_RSC22c3_SingleSpecReturnsSingleBatchResult()
    {
        var channel = $"test-RSC22c3-{RandomId()}";
        var (scheduler, _, client) = Answering([BatchResultOf(Success(channel, "msg123", "serial1"))]);
        using var __ = client;

        BatchResult<BatchPublishResult> result = scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = [channel], Messages = [Msg("e", "d")] }));

        Assert.That(result.Results, Has.Count.EqualTo(1));
        Assert.That(result.Results[0].Channel, Is.EqualTo(channel));
        Assert.That(result.Results[0].Success, Is.True);
        Assert.That(result.Results[0].MessageId, Is.EqualTo("msg123"));
        Assert.That(result.Results[0].Serials, Is.EqualTo(new[] { "serial1" }));
    }

    // UTS: rest/unit/RSC22c/array-specs-array-results-0
    [Test]
    public void RSC22b_RSC22c4_ArrayOfSpecsReturnsArrayOfBatchResults()
    {
        var (channel1, channel2) = ($"test-RSC22c4-a-{RandomId()}", $"test-RSC22c4-b-{RandomId()}");
        var (scheduler, _, client) = Answering([BatchResultOf(Success(channel1, "msg1", "s1")), BatchResultOf(Success(channel2, "msg2", "s2"))]);
        using var __ = client;

        var results = scheduler.Await(client.BatchPublishAsync(new[]
        {
            new BatchPublishSpec { Channels = [channel1], Messages = [Msg("e1", "d1")] },
            new BatchPublishSpec { Channels = [channel2], Messages = [Msg("e2", "d2")] },
        }));

        Assert.That(results, Has.Count.EqualTo(2));
        Assert.That(results[0].Results.Single().Channel, Is.EqualTo(channel1));
        Assert.That(results[0].Results.Single().MessageId, Is.EqualTo("msg1"));
        Assert.That(results[1].Results.Single().Channel, Is.EqualTo(channel2));
        Assert.That(results[1].Results.Single().MessageId, Is.EqualTo("msg2"));
    }

    // UTS: rest/unit/RSC22c/multiple-channels-multiple-results-0
    [Test]
    public void RSC22c_RSC22c5_MultipleChannelsProduceMultipleResults()
    {
        var channels = new[] { $"test-RSC22c5-a-{RandomId()}", $"test-RSC22c5-b-{RandomId()}", $"test-RSC22c5-c-{RandomId()}" };
        var (scheduler, _, client) = Answering([BatchResultOf(channels.Select(c => Success(c, "m", "s")).ToArray())]);
        using var __ = client;

        var result = scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = channels, Messages = [Msg("e", "d")] }));

        Assert.That(result.Results.Select(r => r.Channel), Is.EqualTo(channels));
        Assert.That(result.SuccessCount, Is.EqualTo(3));
    }

    // UTS: rest/unit/RSC22c/messages-encoded-per-rsl4-0
    [Test]
    public void RSC22c_RSC22c6_RSL4_MessagesEncodedPerRsl4()
    {
        var channel = $"test-RSC22c6-{RandomId()}";
        var binary = new byte[] { 0x01, 0x02, 0xFF };

        var messages = BodyOf(new BatchPublishSpec
        {
            Channels = [channel],
            Messages = [Msg("string", "text"), Msg("binary", binary), Msg("json", JObject.Parse("""{"key": "value"}"""))],
        }).Single()["messages"]!;

        Assert.That((string?)messages[0]!["data"], Is.EqualTo("text"));
        Assert.That(messages[0]!["encoding"], Is.Null);
        Assert.That((string?)messages[1]!["data"], Is.EqualTo(Convert.ToBase64String(binary)));
        Assert.That((string?)messages[1]!["encoding"], Is.EqualTo("base64"));
        Assert.That(messages[2]!["data"]!.Type, Is.EqualTo(JTokenType.String));
        Assert.That(JToken.DeepEquals(JToken.Parse((string)messages[2]!["data"]!), JObject.Parse("""{"key": "value"}""")), Is.True);
        Assert.That((string?)messages[2]!["encoding"], Is.EqualTo("json"));
    }

    // UTS: rest/unit/RSC22c/uses-configured-auth-0
    [TestCase("token")]
    [TestCase("basic")]
    public void RSC22c_RSC22c7_UsesConfiguredAuthentication(string auth)
    {
        var channel = $"test-RSC22c7-{RandomId()}";
        var (scheduler, server, client) = Answering(
            [BatchResultOf(Success(channel, "m", "s"))],
            o => auth == "basic" ? o : o with { Key = null, Token = "my-token" });
        using var _ = client;

        scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = [channel], Messages = [Msg("e", "d")] }));

        var authorization = server.HttpRequests.Single().Header("Authorization");
        if (auth == "basic")
        {
            Assert.That(authorization, Is.EqualTo("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Key))));
        }
        else
        {
            Assert.That(authorization, Is.EqualTo("Bearer my-token"), "RSA3b: the token, optionally Base64-encoded; this library sends it as it is");
        }
    }
}
