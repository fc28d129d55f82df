using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Realtime.Components;

[TestFixture]
public sealed class ConnectionTransportTests
{
    [Test]
    public void Without_a_transport_nothing_is_written()
    {
        var rig = new ComponentRig();
        Assert.That(rig.Transport.IsOpen, Is.False);
        Assert.That(rig.Transport.Write(new ProtocolMessage(ProtocolAction.Heartbeat)), Is.False);
        rig.Transport.Connected = true;
        Assert.That(rig.Transport.TrySend(new ProtocolMessage(ProtocolAction.Heartbeat)), Is.False);
    }

    [Test]
    public void RTN19b_TrySend_writes_only_when_CONNECTED_Write_whenever_a_transport_is_open()
    {
        var rig = new ComponentRig();
        var fake = rig.OpenTransport(connected: false);
        Assert.That(rig.Transport.TrySend(new ProtocolMessage(ProtocolAction.Attach, "a")), Is.False);
        Assert.That(rig.Transport.Write(new ProtocolMessage(ProtocolAction.Close)), Is.True);
        rig.Transport.Connected = true;
        Assert.That(rig.Transport.TrySend(new ProtocolMessage(ProtocolAction.Attach, "b")), Is.True);
        Assert.That(fake.Sent.Select(m => m.Action), Is.EqualTo(new[] { ProtocolAction.Close, ProtocolAction.Attach }));
    }

    [Test]
    public void A_new_transport_closes_the_old_one_whose_events_are_no_longer_current()
    {
        var rig = new ComponentRig();
        var first = rig.Transport.Open(new Uri("wss://localhost/"), binary: false, _ => { });
        rig.Transport.Connect();
        var firstFake = rig.Fake;
        var second = rig.Transport.Open(new Uri("wss://localhost/"), binary: true, _ => { });
        Assert.That(firstFake.ClosedByClient, Is.True);
        Assert.That(rig.Transport.IsCurrent(first), Is.False);
        Assert.That(rig.Transport.IsCurrent(second), Is.True);

        rig.Transport.Close();
        Assert.That(rig.Transport.IsCurrent(second), Is.False);
        Assert.That(rig.Transport.IsOpen, Is.False);
    }

    [Test]
    public void A_frame_that_fails_to_send_is_reported_as_false_never_thrown()
    {
        var rig = new ComponentRig();
        var fake = rig.OpenTransport();
        fake.FailSend = _ => new InvalidOperationException("socket gone");
        Assert.That(rig.Transport.Write(new ProtocolMessage(ProtocolAction.Heartbeat)), Is.False);
        fake.FailSend = _ => new AblyException(40013, 400, "cannot encode");
        Assert.That(rig.Transport.TrySend(new ProtocolMessage(ProtocolAction.Heartbeat)), Is.False);
    }
}
