using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Connection;

/// <summary>uts/realtime/unit/connection/update_events_test.md (RTN24): UPDATE events.</summary>
[TestFixture]
[Category("uts/realtime/unit/connection/update_events_test.md")]
public sealed class UpdateEventsTests
{
    /// <summary>A CONNECTED as the spec writes it: connectionId at the top, the key only inside connectionDetails.</summary>
    private static ProtocolFrame Connected(string id, string key, int maxIdleMs = 15000, int ttlMs = 120000, string? clientId = null,
        int? maxMessageSize = null, string? serverId = null, ErrorInfo? error = null)
    {
        var details = new JObject { ["connectionKey"] = key, ["maxIdleInterval"] = maxIdleMs, ["connectionStateTtl"] = ttlMs };
        if (clientId is not null)
        {
            details["clientId"] = clientId;
        }

        if (maxMessageSize is not null)
        {
            details["maxMessageSize"] = maxMessageSize;
        }

        if (serverId is not null)
        {
            details["serverId"] = serverId;
        }

        var frame = new JObject { ["action"] = (int)ProtocolAction.Connected, ["connectionId"] = id, ["connectionDetails"] = details };
        if (error is not null)
        {
            frame["error"] = new JObject { ["code"] = error.Code, ["statusCode"] = error.StatusCode, ["message"] = error.Message };
        }

        return new ProtocolFrame(frame);
    }

    // UTS: realtime/unit/RTN24/connected-emits-update-0
    [Test]
    public async Task RTN24_ConnectedWhileConnectedEmitsUpdate()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(Connected("connection-id-1", "connection-key-1", clientId: "client-123"));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        using var events = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        scheduler.ProcessPendingEvents();
        Assert.That(events.Into(ConnectionState.Connected), Has.Count.EqualTo(1));
        Assert.That(events.Updates, Is.Empty);
        server.LastConnection!.Send(Connected("connection-id-1", "connection-key-1", maxIdleMs: 20000, clientId: "client-123"));
        scheduler.AdvanceTime(100);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(events.Into(ConnectionState.Connected), Has.Count.EqualTo(1));
        Assert.That(events.Updates, Has.Count.EqualTo(1));
        var update = events.Updates[0];
        Assert.That(update.Previous, Is.EqualTo(ConnectionState.Connected));
        Assert.That(update.Current, Is.EqualTo(ConnectionState.Connected));
        Assert.That(update.Reason, Is.Null);
        Assert.That(client.Connection.Id, Is.EqualTo("connection-id-1"));
        Assert.That(client.Connection.Key, Is.EqualTo("connection-key-1"));
    }

    // UTS: realtime/unit/RTN24/update-event-with-error-1
    [Test]
    public async Task RTN24_UpdateEventCarriesTheError()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(Connected("connection-id-1", "connection-key-1"));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        using var events = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        server.LastConnection!.Send(Connected("connection-id-1", "connection-key-1",
            error: new ErrorInfo(40142, 401, "Token expired; renewed automatically")));
        scheduler.AdvanceTime(100);

        Assert.That(events.Updates, Has.Count.EqualTo(1));
        var update = events.Updates[0];
        Assert.That(update.Previous, Is.EqualTo(ConnectionState.Connected));
        Assert.That(update.Current, Is.EqualTo(ConnectionState.Connected));
        Assert.That(update.Reason, Is.Not.Null);
        Assert.That(update.Reason!.Code, Is.EqualTo(40142));
        Assert.That(update.Reason.StatusCode, Is.EqualTo(401));
        Assert.That(update.Reason.Message, Does.Contain("Token expired"));
    }

    // UTS: realtime/unit/RTN24/connection-details-override-2
    [Test]
    public async Task RTN24_RTN21_ConnectionDetailsOverride()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(Connected("connection-id-1", "connection-key-1",
            maxIdleMs: 10000, ttlMs: 60000, clientId: "client-original", maxMessageSize: 16384, serverId: "server-1"));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        Assert.That(client.Connection.Id, Is.EqualTo("connection-id-1"));
        Assert.That(client.Connection.Key, Is.EqualTo("connection-key-1"));
        server.LastConnection!.Send(Connected("connection-id-1", "connection-key-1",
            maxIdleMs: 20000, ttlMs: 120000, clientId: "client-updated", maxMessageSize: 32768, serverId: "server-2"));
        scheduler.AdvanceTime(100);

        Assert.That(client.Connection.Id, Is.EqualTo("connection-id-1"));
        Assert.That(client.Connection.Key, Is.EqualTo("connection-key-1"));

        // The spec leaves the accessors to the implementation: here they are Connection.Details (RTN21).
        var details = client.Connection.Details!;
        Assert.That(details.MaxIdleInterval, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(details.ConnectionStateTtl, Is.EqualTo(TimeSpan.FromSeconds(120)));
        Assert.That(details.MaxMessageSize, Is.EqualTo(32768));
        Assert.That(details.ServerId, Is.EqualTo("server-2"));
        Assert.That(details.ClientId, Is.EqualTo("client-updated"));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    // UTS: realtime/unit/RTN24/no-duplicate-connected-event-3
    [Test]
    public async Task RTN24_RTN4h_NoDuplicateConnectedEvent()
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess(Connected("connection-id-1", "connection-key-1"));
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        using var events = new ConnectionRecorder(client.Connection);

        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected, TimeSpan.FromSeconds(5));
        scheduler.ProcessPendingEvents();
        var initialCount = events.Changes.Count;
        for (var i = 0; i < 3; i++)
        {
            server.LastConnection!.Send(Connected("connection-id-1", "connection-key-1"));
            scheduler.AdvanceTime(50);
        }

        var added = events.Changes.Skip(initialCount).ToList();
        Assert.That(added, Has.Count.EqualTo(3));
        foreach (var change in added)
        {
            Assert.That(change.Event, Is.EqualTo(ConnectionEvent.Update));
            Assert.That(change.Previous, Is.EqualTo(ConnectionState.Connected));
            Assert.That(change.Current, Is.EqualTo(ConnectionState.Connected));
        }

        Assert.That(events.Into(ConnectionState.Connected), Has.Count.EqualTo(1));
    }
}
