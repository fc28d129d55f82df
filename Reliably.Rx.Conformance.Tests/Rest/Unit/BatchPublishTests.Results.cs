using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>uts/rest/unit/batch_publish.md, second part: idempotent ids (RSC22d), the spec (BSP) and result (BPR, BPF) structures, errors, headers, large batches.</summary>
public sealed partial class BatchPublishTests
{
    // UTS: rest/unit/RSC22d/idempotent-ids-generated-0
    [Test]
    public void RSC22d_RSL1k1_IdempotentIdsGeneratedWhenEnabled()
    {
        var (scheduler, server, client) = Answering(
            [BatchResultOf(Success("a", "m", "s1", "s2")), BatchResultOf(Success("b", "m", "s1", "s2"))],
            o => o with { IdempotentRestPublishing = true, UseBinaryProtocol = false });
        using var _ = client;

        scheduler.Await(client.BatchPublishAsync(new[]
        {
            new BatchPublishSpec { Channels = ["a"], Messages = [Msg("e1", "d1"), Msg("e2", "d2")] },
            new BatchPublishSpec { Channels = ["b"], Messages = [Msg("e3", "d3"), Msg("e4", "d4")] },
        }));

        var body = (JArray)server.HttpRequests.Single().BodyTree();
        var ids = body.Select(spec => spec["messages"]!.Select(m => (string?)m["id"]).ToList()).ToList();
        Assert.That(ids.SelectMany(i => i), Is.All.Match(@"^[A-Za-z0-9_-]+:\d+$"), "RSL1k1: baseId:serial");
        Assert.That(ids.SelectMany(i => i), Is.Unique);
        var bases = ids.Select(spec => spec.Select(id => id!.Split(':')[0]).Distinct().ToList()).ToList();
        Assert.That(bases[0], Has.Count.EqualTo(1), "one base id within a spec");
        Assert.That(bases[1], Has.Count.EqualTo(1));
        Assert.That(bases[0][0], Is.Not.EqualTo(bases[1][0]), "each spec gets its own base id");
        Assert.That(ids[0].Select(id => id!.Split(':')[1]), Is.EqualTo(new[] { "0", "1" }));
    }

    // UTS: rest/unit/RSC22d/explicit-ids-preserved-0
    [Test]
    public void RSC22d_RSL1k3_ExplicitMessageIdsPreserved()
    {
        var body = BodyOf(
            new BatchPublishSpec { Channels = ["a"], Messages = [Msg("e1", "d1") with { Id = "explicit-1" }, Msg("e2", "d2") with { Id = "explicit-2" }] },
            o => o with { IdempotentRestPublishing = true });

        Assert.That(body.Single()["messages"]!.Select(m => (string?)m["id"]), Is.EqualTo(new[] { "explicit-1", "explicit-2" }));
    }

    // UTS: rest/unit/RSC22d/ids-not-generated-disabled-0
    [Test]
    public void RSC22d_IdempotentIdsNotGeneratedWhenDisabled()
    {
        var body = BodyOf(
            new BatchPublishSpec { Channels = ["a"], Messages = [Msg("e1", "d1"), Msg("e2", "d2")] },
            o => o with { IdempotentRestPublishing = false });

        Assert.That(body.Single()["messages"]!.Select(m => m["id"]), Is.All.Null);
    }

    // UTS: rest/unit/BSP2a/channels-array-strings-0
    [Test]
    public void BSP2a_ChannelsIsArrayOfStrings()
    {
        var channels = new[] { $"test-BSP2a-a-{RandomId()}", $"test-BSP2a-b-{RandomId()}", $"test-BSP2a-c-{RandomId()}" };

        var serialized = BodyOf(new BatchPublishSpec { Channels = channels, Messages = [Msg("e", "d")] }).Single()["channels"]!;

        Assert.That(serialized.Type, Is.EqualTo(JTokenType.Array));
        Assert.That(serialized.Select(c => c.Type), Is.All.EqualTo(JTokenType.String));
        Assert.That(serialized.Values<string>(), Is.EqualTo(channels));
    }

    // UTS: rest/unit/BSP2b/messages-array-objects-0
    [Test]
    public void BSP2b_MessagesIsArrayOfMessageObjects()
    {
        var messages = BodyOf(new BatchPublishSpec
        {
            Channels = [$"test-BSP2b-{RandomId()}"],
            Messages = [Msg("event1", "data1"), Msg("event2", JObject.Parse("""{"key": "value"}"""))],
        }).Single()["messages"]!;

        Assert.That(messages.Type, Is.EqualTo(JTokenType.Array));
        Assert.That(messages.Select(m => m.Type), Is.All.EqualTo(JTokenType.Object));
        Assert.That((string?)messages[0]!["name"], Is.EqualTo("event1"));
        Assert.That((string?)messages[0]!["data"], Is.EqualTo("data1"));
        Assert.That((string?)messages[1]!["name"], Is.EqualTo("event2"));
        Assert.That((string?)messages[1]!["encoding"], Is.EqualTo("json"), "TM: object data is sent JSON-encoded");
        Assert.That((string?)JToken.Parse((string)messages[1]!["data"]!)["key"], Is.EqualTo("value"));
    }

    // UTS: rest/unit/BPR2a/success-channel-name-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void BPR2a_SuccessResultChannelName()
    {
        var channel = $"test-BPR2a-{RandomId()}";

        Assert.That(OneResult(Success(channel, "msg123", "s1")).Channel, Is.EqualTo(channel));
    }

    // UTS: rest/unit/BPR2b/success-message-id-prefix-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void BPR2b_SuccessResultMessageIdPrefix() =>
        Assert.That(OneResult(Success($"test-BPR2b-{RandomId()}", "unique-id-prefix", "s1", "s2")).MessageId, Is.EqualTo("unique-id-prefix"));

    // UTS: rest/unit/BPR2c/serials-array-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void BPR2c_SuccessResultSerials()
    {
        var (scheduler, _, client) = Answering([BatchResultOf(Success("c", "msg", "serial1", "serial2", "serial3"))]);
        using var __ = client;

        var result = scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = ["c"], Messages = [Msg("a", "1"), Msg("b", "2"), Msg("c", "3")] }));

        Assert.That(result.Results.Single().Serials, Is.EqualTo(new[] { "serial1", "serial2", "serial3" }));
        Assert.That(result.Results.Single().Serials, Has.Count.EqualTo(3), "one serial per message published");
    }

    // UTS: rest/unit/BPR2c/serials-null-conflated-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void BPR2c_BPR2c1_SerialsMayContainNullForConflatedMessages() =>
        Assert.That(OneResult(Success($"test-BPR2c1-{RandomId()}", "msg", "serial1", null, "serial3")).Serials, Is.EqualTo(new[] { "serial1", null, "serial3" }));

    // UTS: rest/unit/BPF2a/failure-channel-name-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void BPF2a_FailureResultChannelName()
    {
        var channel = $"test-BPF2a-{RandomId()}";

        var result = OneResult(Failure(channel, 40160, 401, "Not permitted"));

        Assert.That(result.Channel, Is.EqualTo(channel));
        Assert.That(result.Success, Is.False);
    }

    // UTS: rest/unit/BPF2b/failure-error-info-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void BPF2b_FailureResultErrorInfo()
    {
        var failure = Failure($"test-BPF2b-{RandomId()}", 40160, 401, "Channel operation not permitted");
        failure["error"]!["href"] = "https://help.ably.io/error/40160";

        var error = OneResult(failure).Error;

        Assert.That(error, Is.InstanceOf<ErrorInfo>());
        Assert.That(error!.Code, Is.EqualTo(40160));
        Assert.That(error.StatusCode, Is.EqualTo(401));
        Assert.That(error.Message, Does.Contain("not permitted"));
    }

    // UTS: rest/unit/RSC22c/partial-success-mixed-results-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void RSC22c_BAR2_PartialSuccessWithMixedResults()
    {
        var (allowed, restricted) = ($"test-BatchResult1-allowed-{RandomId()}", $"test-BatchResult1-restricted-{RandomId()}");
        var (scheduler, _, client) = Answering([BatchResultOf(Success(allowed, "msg1", "s1"), Failure(restricted, 40160, 401, "Not permitted"))]);
        using var __ = client;

        var result = scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = [allowed, restricted], Messages = [Msg("e", "d")] }));

        Assert.That(result.Results, Has.Count.EqualTo(2));
        Assert.That(result.Results[0].Success, Is.True);
        Assert.That(result.Results[0].Channel, Is.EqualTo(allowed));
        Assert.That(result.Results[1].Success, Is.False);
        Assert.That(result.Results[1].Channel, Is.EqualTo(restricted));
        Assert.That(result.Results[1].Error!.Code, Is.EqualTo(40160));
        Assert.That((result.SuccessCount, result.FailureCount), Is.EqualTo((1, 1)));
    }

    // UTS: rest/unit/RSC22c/distinguish-success-failure-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void RSC22c_DistinguishSuccessFromFailureResults()
    {
        var channel = $"test-BatchResult2-{RandomId()}";
        var (scheduler, _, client) = Answering([BatchResultOf(Success(channel + "-ok", "msg1", "s1"), Failure(channel + "-no", 40160, 401, "Not permitted"))]);
        using var __ = client;

        var result = scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = [channel + "-ok", channel + "-no"], Messages = [Msg("e", "d")] }));

        foreach (var item in result.Results)
        {
            if (item.Success)
            {
                Assert.That(item.MessageId, Is.Not.Null);
                Assert.That(item.Serials, Is.Not.Empty);
                Assert.That(item.Error, Is.Null);
            }
            else
            {
                Assert.That(item.Error, Is.Not.Null);
            }
        }

        Assert.That(result.Results.Select(r => r.Success), Is.EqualTo(new[] { true, false }));
    }

    // UTS: rest/unit/RSC22/empty-channels-rejected-0
    [Test]
    public void RSC22_EmptyChannelsRejected()
    {
        var (scheduler, server, client) = Answering([]);
        using var _ = client;

        var error = scheduler.AwaitFailure(client.BatchPublishAsync(new BatchPublishSpec { Channels = [], Messages = [Msg("e", "d")] }));

        Assert.That((error.Code, error.StatusCode), Is.EqualTo((40003, 400)));
        Assert.That(server.HttpRequests, Is.Empty);
    }

    // UTS: rest/unit/RSC22/empty-messages-rejected-0
    [Test]
    public void RSC22_EmptyMessagesRejected()
    {
        var (scheduler, server, client) = Answering([]);
        using var _ = client;

        var error = scheduler.AwaitFailure(client.BatchPublishAsync(new BatchPublishSpec { Channels = [$"test-RSC22-Error2-{RandomId()}"], Messages = [] }));

        Assert.That((error.Code, error.StatusCode), Is.EqualTo((40003, 400)));
        Assert.That(server.HttpRequests, Is.Empty);
    }

    // UTS: rest/unit/RSC22/server-error-propagated-0
    [Test]
    public void RSC22_ServerErrorPropagated()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(500, """{"error": {"code": 50000, "statusCode": 500, "message": "Internal error"}}""");
        using var client = server.CreateRest(o => o with { Key = Key });

        var error = scheduler.AwaitFailure(client.BatchPublishAsync(new BatchPublishSpec { Channels = [$"test-RSC22-Error3-{RandomId()}"], Messages = [Msg("e", "d")] }));

        Assert.That(error.Code, Is.EqualTo(50000));
        Assert.That(error.StatusCode, Is.EqualTo(500));
    }

    // UTS: rest/unit/RSC22/auth-error-propagated-0
    [Test]
    public void RSC22_AuthenticationErrorPropagated()
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(401, """{"error": {"code": 40101, "statusCode": 401, "message": "Invalid credentials"}}""");
        using var client = server.CreateRest(o => o with { Key = "invalid.key:wrong" });

        var error = scheduler.AwaitFailure(client.BatchPublishAsync(new BatchPublishSpec { Channels = [$"test-RSC22-Error4-{RandomId()}"], Messages = [Msg("e", "d")] }));

        Assert.That(error.Code, Is.EqualTo(40101));
        Assert.That(error.StatusCode, Is.EqualTo(401));
    }

    // UTS: rest/unit/RSC22/standard-headers-included-0
    [Test]
    public void RSC22_RSC7e_StandardHeadersIncluded()
    {
        // NOTE: the spec's "X-Ably-Version: 2" is a protocol version of its time; RSC7e sends the CSV2 version this
        // library implements, checked here against the version every other request sends. Content-Type
        // application/json is the JSON protocol's, which this case selects.
        var (scheduler, server, client) = Answering([BatchResultOf(Success("c", "m", "s"))], o => o with { UseBinaryProtocol = false });
        using var _ = client;

        scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = [$"test-RSC22-Headers1-{RandomId()}"], Messages = [Msg("e", "d")] }));
        scheduler.Await(client.Channels.Get("other").HistoryAsync());

        var request = server.HttpRequests[0];
        Assert.That(request.Header("X-Ably-Version"), Does.Match("^[0-9]+$"));
        Assert.That(request.Header("X-Ably-Version"), Is.EqualTo(server.HttpRequests[1].Header("X-Ably-Version")));
        Assert.That(request.Header("Ably-Agent"), Is.Not.Null.And.Not.Empty);
        Assert.That(request.Header("Content-Type"), Does.StartWith("application/json"));
    }

    // UTS: rest/unit/RSC22/request-id-included-0
    [Test]
    public void RSC22_RSC7c_RequestIdIncludedWhenEnabled()
    {
        var (scheduler, server, client) = Answering([BatchResultOf(Success("c", "m", "s"))], o => o with { AddRequestIds = true });
        using var _ = client;

        scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = ["c"], Messages = [Msg("e", "d")] }));
        scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = ["c"], Messages = [Msg("e", "d")] }));

        var ids = server.HttpRequests.Select(r => r.Query("request_id")).ToList();
        Assert.That(ids, Is.All.Not.Null.And.Not.Empty);
        Assert.That(ids, Is.Unique);
    }

    // UTS: rest/unit/RSC22/multiple-messages-per-channel-0
    [Test]
    public void RSC22_MultipleMessagesPerChannel()
    {
        var channel = $"test-RSC22-Batch1-{RandomId()}";
        var messages = Enumerable.Range(0, 100).Select(i => Msg($"event-{i}", $"data-{i}")).ToArray();
        var (scheduler, server, client) = Answering(
            [BatchResultOf(Success(channel, "m", Enumerable.Range(0, 100).Select(i => (string?)$"s{i}").ToArray()))],
            o => o with { UseBinaryProtocol = false });
        using var _ = client;

        var result = scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = [channel], Messages = messages }));

        var sent = server.HttpRequests.Single().BodyTree().Single()["messages"]!;
        Assert.That(sent.Select(m => (string?)m["name"]), Is.EqualTo(messages.Select(m => m.Name)));
        Assert.That(result.Results.Single().Serials, Has.Count.EqualTo(100));
    }

    // UTS: rest/unit/RSC22/multiple-channels-multiple-messages-0
    [Test]
    public void RSC22_MultipleChannelsWithMultipleMessages()
    {
        var channels = new[] { $"test-RSC22-Batch2-a-{RandomId()}", $"test-RSC22-Batch2-b-{RandomId()}", $"test-RSC22-Batch2-c-{RandomId()}" };
        var (scheduler, server, client) = Answering([BatchResultOf(channels.Select(c => Success(c, "m", "s0", "s1", "s2")).ToArray())], o => o with { UseBinaryProtocol = false });
        using var _ = client;

        var result = scheduler.Await(client.BatchPublishAsync(new BatchPublishSpec { Channels = channels, Messages = [Msg("msg1", "1"), Msg("msg2", "2"), Msg("msg3", "3")] }));

        var spec = server.HttpRequests.Single().BodyTree().Single();
        Assert.That(spec["channels"]!.Count() * spec["messages"]!.Count(), Is.EqualTo(9), "3 messages to 3 channels");
        Assert.That(result.Results, Has.Count.EqualTo(3));
        Assert.That(result.Results, Has.All.Matches<BatchPublishResult>(r => r.Success));
        Assert.That(result.Results.Select(r => r.Channel), Is.EqualTo(channels));
    }
}
