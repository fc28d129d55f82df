using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Rest.Integration;

/// <summary>uts/rest/integration/publish.md (RSL1d, RSL1n, RSL1k5, RSL1l1, RSL1m4) against the emulator.</summary>
[TestFixture]
[Category("uts/rest/integration/publish.md")]
public sealed class PublishTests : RestSandbox
{
    // UTS: rest/integration/RSL1d/publish-failure-error-0
    [Test]
    public async Task RSL1d_PublishFailureReturnsError()
    {
        // keys[2] has per-channel capabilities; this channel is not among them.
        var channel = Rest(o => o with { Key = KeyOf(2) }).Channels.Get(UniqueChannel("forbidden-channel"));

        var error = await AwaitFailure(channel.PublishAsync("event", "data"));

        Assert.That(error.Code, Is.EqualTo(40160));
        Assert.That(error.StatusCode, Is.EqualTo(401));
    }

    // UTS: rest/integration/RSL1n/publish-result-serials-0
    [Test]
    public async Task RSL1n_PublishResultContainsSerials()
    {
        var channel = Rest().Channels.Get(UniqueChannel("test-serials"));

        var result1 = await Await(channel.PublishAsync("event1", "data1"));
        var result2 = await Await(channel.PublishAsync(new[] { new Message("event2", "data2"), new Message("event3", "data3"), new Message("event4", "data4") }));

        Assert.That(result1.Serials, Has.Count.EqualTo(1));
        Assert.That(result1.Serials[0], Is.Not.Null.And.Not.Empty);
        Assert.That(result2.Serials, Has.Count.EqualTo(3));
        Assert.That(result2.Serials, Is.All.Not.Null.And.Not.Empty);
        Assert.That(result2.Serials, Is.Unique);
    }

    // UTS: rest/integration/RSL1k5/idempotent-client-ids-0
    [Test]
    public async Task RSL1k5_IdempotentPublishWithClientSuppliedIds()
    {
        var channel = Rest().Channels.Get(UniqueChannel("idempotent-explicit"));
        var fixedId = "client-supplied-id-" + Guid.NewGuid().ToString("N")[..8];

        for (var i = 1; i <= 3; i++)
        {
            await Await(channel.PublishAsync(new Message("event", $"data-{i}") { Id = fixedId }));
        }

        var history = await Await(channel.HistoryAsync());
        Assert.That(history.Items, Has.Count.EqualTo(1));
        Assert.That(history.Items[0].Id, Is.EqualTo(fixedId));
        Assert.That(history.Items[0].Data, Is.EqualTo("data-1"));
    }

    // UTS: rest/integration/RSL1l1/publish-params-force-nack-0
    [Test]
    public async Task RSL1l1_PublishParamsForceNack()
    {
        var channel = Rest().Channels.Get(UniqueChannel("force-nack-test"));

        var error = await AwaitFailure(channel.PublishAsync(new[] { new Message("event", "data") }, new Dictionary<string, string> { ["_forceNack"] = "true" }));

        Assert.That(error.Code, Is.EqualTo(40099));
    }

    // UTS: rest/integration/RSL1m4/clientid-mismatch-rejected-0
    [Test]
    public async Task RSL1m4_ClientIdMismatchRejected()
    {
        // NOTE: the library refuses the message before sending it, with the server's code and status, so the
        // outcome the spec checks (rejected, 40012, 400) is the same either way.
        var keyClient = Rest();
        var token = await Await(keyClient.Auth.RequestTokenAsync(new TokenParams { ClientId = "authenticated-client-id" }));
        var channel = Rest(o => o with { Key = null, Token = token.Token }).Channels.Get(UniqueChannel("clientid-mismatch"));

        var error = await AwaitFailure(channel.PublishAsync(new Message("event", "data") { ClientId = "different-client-id" }));

        Assert.That(error.Code, Is.EqualTo(40012));
        Assert.That(error.StatusCode, Is.EqualTo(400));
    }
}
