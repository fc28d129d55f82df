using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;
using Reliably.Rx.Streams;

namespace Reliably.Rx.Tests.Realtime.Components;

[TestFixture]
public sealed class ConnectionStatusTests
{
    private static ConnectionStateChange Change(ConnectionState from, ConnectionState to, ErrorInfo? reason = null) =>
        new(from, to, ConnectionStateChange.EventFor(to), reason);

    [Test]
    public void RTN25_the_error_reason_follows_the_latest_reason_and_a_clean_CONNECTED_clears_it()
    {
        var scheduler = new TestScheduler();
        var status = new ConnectionStatus(new SchedulerDeliveryHost(scheduler), NullLogger.Instance);
        var session = new ConnectionSession(new ClientOptions { Key = "a.b:c" }, recover: null);
        var lost = new ErrorInfo(80003, 400, "lost");
        status.Publish(Change(ConnectionState.Connected, ConnectionState.Disconnected, lost), session);
        status.Publish(Change(ConnectionState.Disconnected, ConnectionState.Connecting), session);
        Assert.That(status.ErrorReason, Is.SameAs(lost), "a change without a reason keeps the latest one");
        Assert.That(status.Snapshot.ErrorReason, Is.SameAs(lost));

        status.Publish(Change(ConnectionState.Connecting, ConnectionState.Connected), session);
        Assert.That(status.ErrorReason, Is.Null);
        Assert.That(status.Last.Current, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public void RTN8d_RTN9d_the_snapshot_hides_id_and_key_when_closing_closed_or_failed_but_not_suspended()
    {
        var status = new ConnectionStatus(new SchedulerDeliveryHost(new TestScheduler()), NullLogger.Instance);
        var session = new ConnectionSession(new ClientOptions { Key = "a.b:c" }, recover: null);
        session.Apply(new ProtocolMessage(ProtocolAction.Connected) { ConnectionId = "id-1", ConnectionKey = "key-1" });
        status.Update(ConnectionState.Suspended, session);
        Assert.That((status.Snapshot.Id, status.Snapshot.Key), Is.EqualTo(("id-1", "key-1")));
        foreach (var hidden in new[] { ConnectionState.Closing, ConnectionState.Closed, ConnectionState.Failed })
        {
            status.Update(hidden, session);
            Assert.That((status.Snapshot.Id, status.Snapshot.Key), Is.EqualTo(((string?)null, (string?)null)), hidden.ToString());
        }
    }

    [Test]
    public void RTN4_a_subscriber_gets_the_current_state_first_then_every_change_and_completion_at_disposal()
    {
        var scheduler = new TestScheduler();
        var status = new ConnectionStatus(new SchedulerDeliveryHost(scheduler), NullLogger.Instance);
        var session = new ConnectionSession(new ClientOptions { Key = "a.b:c" }, recover: null);
        status.Publish(Change(ConnectionState.Initialized, ConnectionState.Connecting), session);
        var seen = new List<ConnectionState>();
        var completed = false;
        using var subscription = status.Changes.Subscribe(c => seen.Add(c.Current), () => completed = true);
        status.Publish(Change(ConnectionState.Connecting, ConnectionState.Connected), session);
        status.Complete();
        scheduler.AdvanceBy(10);
        Assert.That(seen, Is.EqualTo(new[] { ConnectionState.Connecting, ConnectionState.Connected }));
        Assert.That(completed, Is.True);
    }
}
