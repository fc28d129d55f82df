using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Unit;

/// <summary>uts/rest/unit/batch_presence.md (RSC24, BAR2, BGR2, BGF2): <c>RestClient#batchPresence</c>.</summary>
[TestFixture]
[Category("uts/rest/unit/batch_presence.md")]
public sealed class BatchPresenceTests
{
    private const string Key = "fake.key:secret";

    private const string OneRecordPerResult = "BatchPresenceSuccessResult and BatchPresenceFailureResult are one record, BatchPresenceResult, " +
        "whose Success (no Error) tells them apart: C# has no union types.";

    private const string Member1 = """{"clientId": "client-1", "action": 1, "connectionId": "conn-abc", "id": "conn-abc:0:0", "timestamp": 1700000000000, "data": "hello"}""";
    private const string Member2 = """{"clientId": "client-2", "action": 1, "connectionId": "conn-def", "id": "conn-def:0:0", "timestamp": 1700000000000, "data": {"key": "value"}}""";
    private const string NotPermitted = """{"code": 40160, "statusCode": 401, "message": "Not permitted"}""";

    /// <summary>A server answering every request with <paramref name="status"/> and <paramref name="json"/>, and a client with a key.</summary>
    private static (TestScheduler Scheduler, ScriptedAbly Server, AblyRest Client) Answering(int status, string json)
    {
        var (scheduler, server) = Uts.Mock();
        server.AnswerAll(status, json);
        return (scheduler, server, server.CreateRest(o => o with { Key = Key }));
    }

    /// <summary>The BatchResult envelope (BAR2) the server sends with X-Ably-Version 3 and later.</summary>
    private static string Envelope(int successCount, int failureCount, params string[] results) =>
        $$"""{"successCount": {{successCount}}, "failureCount": {{failureCount}}, "results": [{{string.Join(", ", results)}}]}""";

    private static string Present(string channel, params string[] members) => $$"""{"channel": "{{channel}}", "presence": [{{string.Join(", ", members)}}]}""";

    private static string Failed(string channel, string error = NotPermitted) => $$"""{"channel": "{{channel}}", "error": {{error}}}""";

    /// <summary>Runs <c>batchPresence(channels)</c> against an answer and returns the result and the requests sent.</summary>
    private static (BatchResult<BatchPresenceResult> Result, IReadOnlyList<ScriptedHttpRequest> Requests) BatchPresence(string answer, params string[] channels)
    {
        var (scheduler, server, client) = Answering(200, answer);
        using var _ = client;

        var result = scheduler.Await(client.BatchPresenceAsync(channels));

        return (result, server.HttpRequests);
    }

    // UTS: rest/unit/RSC24/get-presence-channels-param-0
    [Test]
    public void RSC24_SendsGetToPresenceWithChannelsParameter()
    {
        var (_, requests) = BatchPresence(Envelope(2, 0, Present("channel-a"), Present("channel-b")), "channel-a", "channel-b");

        Assert.That(requests, Has.Count.EqualTo(1));
        Assert.That(requests[0].Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(requests[0].Path, Is.EqualTo("/presence"));
        Assert.That(requests[0].Query("channels"), Is.EqualTo("channel-a,channel-b"));
    }

    // UTS: rest/unit/RSC24/single-channel-param-0
    [Test]
    public void RSC24_SingleChannelSendsItsNameAlone() =>
        Assert.That(BatchPresence(Envelope(1, 0, Present("my-channel")), "my-channel").Requests[0].Query("channels"), Is.EqualTo("my-channel"));

    // UTS: rest/unit/RSC24/special-chars-comma-joined-0
    [Test]
    public void RSC24_SpecialCharactersAreCommaJoinedAsTheyAre() =>
        Assert.That(
            BatchPresence(Envelope(2, 0, Present("foo:bar"), Present("baz/qux")), "foo:bar", "baz/qux").Requests[0].Query("channels"),
            Is.EqualTo("foo:bar,baz/qux"));

    // UTS: rest/unit/BAR2/mixed-success-failure-counts-0
    [Test]
    public void BAR2_CountsFromMixedResponse()
    {
        var (result, _) = BatchPresence(Envelope(3, 1, Present("ch-1"), Present("ch-2"), Present("ch-3"), Failed("ch-4")), "ch-1", "ch-2", "ch-3", "ch-4");

        Assert.That(result.SuccessCount, Is.EqualTo(3));
        Assert.That(result.FailureCount, Is.EqualTo(1));
        Assert.That(result.Results, Has.Count.EqualTo(4));
    }

    // UTS: rest/unit/BAR2/all-success-counts-0
    [Test]
    public void BAR2_AllSuccess()
    {
        var (result, _) = BatchPresence(Envelope(2, 0, Present("ch-a"), Present("ch-b")), "ch-a", "ch-b");

        Assert.That((result.SuccessCount, result.FailureCount, result.Results.Count), Is.EqualTo((2, 0, 2)));
    }

    // UTS: rest/unit/BAR2/all-failure-counts-0
    [Test]
    public void BAR2_AllFailure()
    {
        var (result, _) = BatchPresence(Envelope(0, 2, Failed("ch-a"), Failed("ch-b")), "ch-a", "ch-b");

        Assert.That((result.SuccessCount, result.FailureCount, result.Results.Count), Is.EqualTo((0, 2, 2)));
    }

    // UTS: rest/unit/BGR2/success-with-members-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void BGR2_SuccessResultWithMembers()
    {
        var (result, _) = BatchPresence(Envelope(1, 0, Present("my-channel", Member1, Member2)), "my-channel");

        Assert.That(result.Results, Has.Count.EqualTo(1));
        var success = result.Results[0];
        Assert.That(success.Success, Is.True);
        Assert.That(success.Channel, Is.EqualTo("my-channel"));
        Assert.That(success.Presence, Has.Count.EqualTo(2));
        Assert.That(success.Presence[0].ClientId, Is.EqualTo("client-1"));
        Assert.That(success.Presence[0].Action, Is.EqualTo(PresenceAction.Present));
        Assert.That(success.Presence[0].ConnectionId, Is.EqualTo("conn-abc"));
        Assert.That(success.Presence[0].Data, Is.EqualTo("hello"));
        Assert.That(success.Presence[1].ClientId, Is.EqualTo("client-2"));
        Assert.That(success.Presence[1].Data, Is.InstanceOf<JObject>());
        Assert.That((string?)((JObject)success.Presence[1].Data!)["key"], Is.EqualTo("value"));
    }

    // UTS: rest/unit/BGR2/success-empty-presence-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void BGR2_SuccessResultWithNoMembers()
    {
        var success = BatchPresence(Envelope(1, 0, Present("empty-channel")), "empty-channel").Result.Results[0];

        Assert.That(success.Success, Is.True);
        Assert.That(success.Channel, Is.EqualTo("empty-channel"));
        Assert.That(success.Presence, Is.Empty);
    }

    // UTS: rest/unit/BGF2/failure-error-details-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void BGF2_FailureResultWithErrorDetails()
    {
        var (result, _) = BatchPresence(
            Envelope(0, 1, Failed("restricted-channel", """{"code": 40160, "statusCode": 401, "message": "Channel operation not permitted"}""")),
            "restricted-channel");

        Assert.That(result.Results, Has.Count.EqualTo(1));
        var failure = result.Results[0];
        Assert.That(failure.Success, Is.False);
        Assert.That(failure.Channel, Is.EqualTo("restricted-channel"));
        Assert.That(failure.Error, Is.InstanceOf<ErrorInfo>());
        Assert.That(failure.Error!.Code, Is.EqualTo(40160));
        Assert.That(failure.Error.StatusCode, Is.EqualTo(401));
        Assert.That(failure.Error.Message, Does.Contain("not permitted"));
    }

    // UTS: rest/unit/RSC24/mixed-success-failure-results-0
    [Test]
    [Adapted(OneRecordPerResult)]
    public void RSC24_MixedSuccessAndFailureResults()
    {
        const string member = """{"clientId": "user-1", "action": 1, "connectionId": "conn-1", "id": "conn-1:0:0", "timestamp": 1700000000000}""";
        var (result, _) = BatchPresence(Envelope(1, 1, Present("allowed-channel", member), Failed("restricted-channel")), "allowed-channel", "restricted-channel");

        Assert.That((result.SuccessCount, result.FailureCount, result.Results.Count), Is.EqualTo((1, 1, 2)));
        Assert.That(result.Results[0].Success, Is.True);
        Assert.That(result.Results[0].Channel, Is.EqualTo("allowed-channel"));
        Assert.That(result.Results[0].Presence, Has.Count.EqualTo(1));
        Assert.That(result.Results[0].Presence[0].ClientId, Is.EqualTo("user-1"));
        Assert.That(result.Results[1].Success, Is.False);
        Assert.That(result.Results[1].Channel, Is.EqualTo("restricted-channel"));
        Assert.That(result.Results[1].Error!.Code, Is.EqualTo(40160));
    }

    // UTS: rest/unit/RSC24/server-error-propagated-0
    [Test]
    public void RSC24_ServerErrorPropagated()
    {
        var (scheduler, _, client) = Answering(500, """{"error": {"code": 50000, "statusCode": 500, "message": "Internal error"}}""");
        using var __ = client;

        var error = scheduler.AwaitFailure(client.BatchPresenceAsync(["any-channel"]));

        Assert.That((error.Code, error.StatusCode), Is.EqualTo((50000, 500)));
    }

    // UTS: rest/unit/RSC24/auth-error-propagated-0
    [Test]
    public void RSC24_AuthenticationErrorPropagated()
    {
        var (scheduler, _, client) = Answering(401, """{"error": {"code": 40101, "statusCode": 401, "message": "Invalid credentials"}}""");
        using var __ = client;

        var error = scheduler.AwaitFailure(client.BatchPresenceAsync(["any-channel"]));

        Assert.That((error.Code, error.StatusCode), Is.EqualTo((40101, 401)));
    }

    // UTS: rest/unit/RSC24/uses-configured-auth-0
    [Test]
    public void RSC24_UsesConfiguredAuthentication()
    {
        var (_, requests) = BatchPresence(Envelope(1, 0, Present("ch")), "ch");

        Assert.That(requests[0].Header("Authorization"), Is.EqualTo("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Key))));
    }
}
