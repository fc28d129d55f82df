using System.Collections.Concurrent;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// RSA17 end to end: tokens revoked while messages flow. The publisher's and the subscriber's connections both use
/// tokens from an authCallback; both are revoked mid-stream, both are disconnected with 40141, both renew their token
/// and resume (RTN22a, RTN15h2), and every message arrives exactly once, in order.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class TokenRevocationDeliveryTests : RealtimeEmulatorFixture
{
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(90);

    [TestCaseSource(nameof(Formats))]
    public async Task RSA17_publishing_continuously_through_a_revocation_of_both_ends_loses_and_duplicates_nothing(string format)
    {
        const int total = 3_000;
        const int revokeAfter = 1_000;
        var key = Emulator.CreateAppFromSetup("{\"keys\":[{\"revocableTokens\":true}]}").Keys[0].KeyString;
        await using var issuer = new AblyRest(Options(format) with { Key = key });
        var issued = new ConcurrentDictionary<string, int>();
        Func<TokenParams, CancellationToken, Task<object>> Callback(string clientId) => async (_, ct) =>
        {
            issued.AddOrUpdate(clientId, 1, (_, n) => n + 1);
            return await issuer.Auth.RequestTokenAsync(new TokenParams { ClientId = clientId }, cancellationToken: ct);
        };

        var subscriber = await ConnectedClient(format, o => o with { Key = null, AuthCallback = Callback("subscriber") });
        var publisher = await ConnectedClient(format, o => o with { Key = null, AuthCallback = Callback("publisher") });
        var reasons = new ConcurrentQueue<ErrorInfo?>();
        using var states = subscriber.Connection.StateChanges.Subscribe(c =>
        {
            if (c.Current == ConnectionState.Disconnected)
            {
                reasons.Enqueue(c.Reason);
            }
        });
        var subscriberId = subscriber.Connection.Id;
        var name = UniqueChannel("revocation");
        var (collector, subscription) = await SubscribeAsync(subscriber.Channels.Get(name));
        using var _ = subscription;

        BatchResult<TokenRevocationResult>? revocation = null;
        await PublishSequenceAsync(publisher.Channels.Get(name), 0, total, afterBatch: async sent =>
        {
            if (revocation is null && sent >= revokeAfter)
            {
                revocation = await issuer.Auth.RevokeTokensAsync(
                    [TokenRevocationTargetSpecifier.ClientId("subscriber"), TokenRevocationTargetSpecifier.ClientId("publisher")]).WaitAsync(Wait);
            }
        });

        await collector.WaitForCountAsync(total, LongWait);
        Assert.That(revocation?.SuccessCount, Is.EqualTo(2));
        Assert.That(collector.Indexes(), Is.EqualTo(Enumerable.Range(0, total)), "in order, none lost or duplicated");
        Assert.That(reasons.Select(r => r?.Code), Does.Contain(40141), "the subscriber was disconnected by the revocation");
        Assert.That(issued["subscriber"], Is.GreaterThanOrEqualTo(2), "the subscriber renewed its token");
        Assert.That(issued["publisher"], Is.GreaterThanOrEqualTo(2), "the publisher renewed its token");
        Assert.That(subscriber.Connection.Id, Is.EqualTo(subscriberId), "the subscriber resumed its connection");
        Assert.That(subscriber.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }
}
