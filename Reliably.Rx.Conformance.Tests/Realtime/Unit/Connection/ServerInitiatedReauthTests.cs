using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/server_initiated_reauth_test.md (RTN22): the server asks the client to re-authenticate.</summary>
[TestFixture]
[Category("uts/realtime/unit/connection/server_initiated_reauth_test.md")]
public sealed class ServerInitiatedReauthTests
{
    private static (TestScheduler Scheduler, ScriptedAbly Server, UtsAuth.Counter Calls, AblyRealtime Client) Setup(string tokenPrefix, string id, string key)
    {
        var (scheduler, server) = Uts.Mock();
        var calls = new UtsAuth.Counter();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(ProtocolFrame.Connected(id, key));
        var client = server.CreateRealtime(o => o with
        {
            Key = null,
            AuthCallback = UtsAuth.Callback(n => UtsAuth.Token(scheduler, tokenPrefix + n), calls),
            AutoConnect = false,
        });
        return (scheduler, server, calls, client);
    }

    private static string? AccessToken(ProtocolFrame auth) => auth.Json["auth"]?.Value<string>("accessToken");

    // UTS: realtime/unit/RTN22/server-auth-triggers-reauth-0
    [Test]
    public async Task RTN22_ServerAuthTriggersReauthentication()
    {
        var (scheduler, server, calls, client) = Setup("token-", "connection-id", "connection-key");
        await using var _ = client;

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        using var changes = new ConnectionRecorder(client.Connection);
        var authMessages = new List<ProtocolFrame>();
        server.OnFrameFromClient = (c, frame) =>
        {
            if (frame.Action == ProtocolAction.Auth)
            {
                authMessages.Add(frame);
                c.Send(ProtocolFrame.Connected("connection-id", "connection-key-2"));
            }
        };
        server.LastConnection!.Send(new ProtocolFrame(new Newtonsoft.Json.Linq.JObject { ["action"] = (int)ProtocolAction.Auth }));
        Assert.That(scheduler.AdvanceUntil(() => changes.Updates.Count > 0, Uts.DefaultLimit), Is.True);

        Assert.That(calls.Value, Is.EqualTo(2));
        Assert.That(authMessages, Has.Count.EqualTo(1));
        Assert.That(authMessages[0].Json["auth"], Is.Not.Null);
        Assert.That(AccessToken(authMessages[0]), Is.EqualTo("token-2"));
        Assert.That(changes.Changes.Where(c => c.Current != ConnectionState.Connected), Is.Empty);
        Assert.That(changes.Updates, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTN22/stays-connected-during-reauth-1
    [Test]
    public async Task RTN22_ConnectionStaysConnectedDuringServerInitiatedReauth()
    {
        var (scheduler, server, _, client) = Setup("reauth-token-", "conn-1", "key-1");
        await using var __ = client;
        server.OnFrameFromClient = (c, frame) =>
        {
            if (frame.Action == ProtocolAction.Auth)
            {
                c.Send(ProtocolFrame.Connected("conn-1", "key-1-updated"));
            }
        };

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        using var changes = new ConnectionRecorder(client.Connection);
        server.LastConnection!.Send(new ProtocolFrame(new Newtonsoft.Json.Linq.JObject { ["action"] = (int)ProtocolAction.Auth }));
        Assert.That(scheduler.AdvanceUntil(() => changes.Changes.Count >= 1, Uts.DefaultLimit), Is.True);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(changes.Changes, Has.Count.EqualTo(1));
        Assert.That(changes.Changes[0].Event, Is.EqualTo(ConnectionEvent.Update));
        Assert.That(changes.Changes[0].Current, Is.EqualTo(ConnectionState.Connected));
        Assert.That(changes.Changes[0].Previous, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTN22a/forced-disconnect-reauth-failure-0
    [Test]
    public async Task RTN22a_RTN15h2_ForcedDisconnectWithTokenError()
    {
        var (scheduler, server, _, client) = Setup("recovery-token-", "conn-1", "key-1");
        await using var __ = client;

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
        using var changes = new ConnectionRecorder(client.Connection);
        server.LastConnection!.Send(ProtocolFrame.Disconnected(new ErrorInfo(40142, 401, "Token expired")));
        var disconnected = changes.AwaitChange(scheduler, ConnectionState.Disconnected);

        Assert.That(disconnected, Is.Not.Null);
        Assert.That(disconnected.Reason?.Code, Is.EqualTo(40142));
    }
}
