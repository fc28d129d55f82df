using Microsoft.Reactive.Testing;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Testing;

namespace Reliably.Rx.Tests.Auth;

/// <summary>
/// Token revocation from the client's side (RSA17), in virtual time against the scripted server: the request, and what
/// a realtime client does when the server revokes the token its connection uses (RTN22a, RTN15h).
/// </summary>
[TestFixture]
public sealed class TokenRevocationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);
    private static readonly ErrorInfo Revoked = new(40141, 401, "Token revoked");

    private TestScheduler _scheduler = null!;
    private ScriptedAbly _server = null!;
    private int _tokensIssued;

    [SetUp]
    public void CreateServer()
    {
        _scheduler = new TestScheduler();
        _server = new ScriptedAbly(_scheduler);
        _tokensIssued = 0;
    }

    [Test]
    public async Task RSA17_RSA17d_realtime_client_with_a_key_revokes_over_REST_and_one_with_a_token_is_refused_before_any_request()
    {
        await using var keyed = _server.CreateRealtime(o => o with { AutoConnect = false, UseBinaryProtocol = false });
        var revoking = keyed.Auth.RevokeTokensAsync(TokenRevocationTargetSpecifier.ClientId("mallory"));
        var request = _server.NextHttpRequest(Limit);
        Assert.That((request.Method, request.Path), Is.EqualTo((HttpMethod.Post, "/keys/appId.keyId/revokeTokens")));
        Assert.That(JObject.Parse(request.BodyText)["targets"]!.ToObject<string[]>(), Is.EqualTo(new[] { "clientId:mallory" }));
        request.RespondWith(201, """{"successCount":1,"failureCount":0,"results":[{"target":"clientId:mallory","issuedBefore":1,"appliesAt":2}]}""");
        var result = _scheduler.AdvanceUntilCompleted(revoking, Limit);
        Assert.That(result.Results.Single().AppliesAt, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(2)));

        await using var tokened = _server.CreateRealtime(o => o with { Key = null, AuthCallback = Callback, AutoConnect = false });
        var refused = tokened.Auth.RevokeTokensAsync(TokenRevocationTargetSpecifier.ClientId("mallory"));
        var error = Assert.ThrowsAsync<AblyException>(() => refused)!;
        Assert.That((error.ErrorInfo.Code, error.ErrorInfo.StatusCode), Is.EqualTo((40162, 401)));
        Assert.That(_server.HttpRequests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RSA17_revoked_token_a_client_that_can_renew_reconnects_with_a_new_token_resumes_and_loses_no_message()
    {
        await using var client = _server.CreateRealtime(o => o with { Key = null, AuthCallback = Callback });
        var first = _server.NextConnectionAttempt(Limit);
        Assert.That(first.Param("accessToken"), Is.EqualTo("token-1"));
        first.RespondWithSuccess(ProtocolFrame.Connected("conn-1", "key-1", maxIdleInterval: TimeSpan.Zero));
        var channel = client.Channels.Get("feed");
        var received = new List<string>();
        using var subscription = channel.Messages().Subscribe(m => received.Add(m.Name!));
        _server.NextFrameFromClient(ProtocolAction.Attach, first, Limit);
        first.Send(ProtocolFrame.Attached("feed", "s:0"));
        Publish(first, 1, 10);

        // The server revokes the token: DISCONNECTED 40141, then it closes the transport (RTN22a).
        first.SendAndClose(ProtocolFrame.Disconnected(Revoked));
        var second = _server.NextConnectionAttempt(Limit);
        Assert.That(second.Param("accessToken"), Is.EqualTo("token-2"), "RTN15h2: a new token before reconnecting");
        Assert.That(second.Param("resume"), Is.EqualTo("key-1"), "RTN15h2: and a resume");
        second.RespondWithSuccess(ProtocolFrame.Connected("conn-1", "key-2", maxIdleInterval: TimeSpan.Zero));
        _server.NextFrameFromClient(ProtocolAction.Attach, second, Limit);
        second.Send(ProtocolFrame.Attached("feed", "s:10", flags: 4));
        Publish(second, 11, 20);

        _scheduler.AdvanceUntil(() => received.Count >= 20, Limit);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.That(received, Is.EqualTo(Enumerable.Range(1, 20).Select(i => "m" + i)));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(_tokensIssued, Is.EqualTo(2));
    }

    [Test]
    public async Task RSA17_revoked_token_a_client_that_cannot_renew_fails_with_40171_and_the_revocation_as_cause()
    {
        await using var client = _server.CreateRealtime(o => o with { Key = null, Token = "only-token" });
        var connection = _server.NextConnectionAttempt(Limit);
        connection.RespondWithSuccess(ProtocolFrame.Connected("conn-1", "key-1", maxIdleInterval: TimeSpan.Zero));
        _scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, Limit);

        connection.SendAndClose(ProtocolFrame.Disconnected(Revoked));
        _scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Failed, Limit);
        Assert.That(client.Connection.ErrorReason?.Code, Is.EqualTo(40171), "RSA4a2");
        Assert.That(client.Connection.ErrorReason?.Cause?.Code, Is.EqualTo(40141), "RTN15h1: the server's error");
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(5).Ticks);
        Assert.That(_server.Connections, Has.Count.EqualTo(1), "a failed connection does not retry");
    }

    [Test]
    public async Task RSA17f_within_the_reauth_margin_the_server_AUTH_is_answered_in_band_and_the_connection_is_kept()
    {
        await using var client = _server.CreateRealtime(o => o with { Key = null, AuthCallback = Callback });
        var connection = _server.NextConnectionAttempt(Limit);
        connection.RespondWithSuccess(ProtocolFrame.Connected("conn-1", "key-1", maxIdleInterval: TimeSpan.Zero));
        var channel = client.Channels.Get("feed");
        var received = new List<string>();
        using var subscription = channel.Messages().Subscribe(m => received.Add(m.Name!));
        _server.NextFrameFromClient(ProtocolAction.Attach, connection, Limit);
        connection.Send(ProtocolFrame.Attached("feed", "s:0"));
        Publish(connection, 1, 5);

        // RSA17f: the revocation applies in 30 s; meanwhile the server asks the connection to re-authenticate (RTN22).
        connection.Send(new ProtocolFrame(new JObject { ["action"] = (int)ProtocolAction.Auth }));
        var auth = _server.NextFrameFromClient(ProtocolAction.Auth, connection, Limit);
        Assert.That(auth.Json["auth"]?.Value<string>("accessToken"), Is.EqualTo("token-2"));
        connection.Send(ProtocolFrame.Connected("conn-1", "key-1", maxIdleInterval: TimeSpan.Zero));
        Publish(connection, 6, 10);

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(31).Ticks);
        Assert.That(received, Is.EqualTo(Enumerable.Range(1, 10).Select(i => "m" + i)));
        Assert.That(_server.Connections, Has.Count.EqualTo(1), "no reconnection: the connection never dropped");
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    private Task<object> Callback(TokenParams tokenParams, CancellationToken cancellationToken) =>
        Task.FromResult<object>(new TokenDetails("token-" + ++_tokensIssued)
        {
            Expires = _scheduler.Now.AddHours(1),
            Issued = _scheduler.Now,
        });

    /// <summary>MESSAGE frames m{from}..m{to}, one message each, channelSerial s:{n}; then lets the client take them in.</summary>
    private void Publish(ScriptedConnection connection, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            connection.Send(ProtocolFrame.Message("feed", "s:" + i, ("m" + i, "d" + i)));
        }

        _scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10).Ticks);
    }
}
