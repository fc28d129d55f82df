using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>Resume and recover: msgSerial and resend rules (RTN15b, RTN15c6, RTN15c7, RTN15e, RTN15h3, RTN16, RTN19a).</summary>
[TestFixture]
public sealed class ConnectionResumeTests
{
    [Test]
    public async Task RTN15c6_RTN19a_successful_resume_keeps_msgSerial_and_resends_unacked_with_the_same_serials()
    {
        await using var h = new RealtimeHarness();
        var first = h.ConnectNow("conn-1", "key-1");
        var p = Enumerable.Range(0, 3).Select(_ => h.Publish()).ToArray();
        h.Pump(1);
        first.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 });
        first.Drop();
        h.Pump(1);

        var second = h.Transport;
        Assert.That(second.Param("resume"), Is.EqualTo("key-1"), "RTN15b");
        second.Connected("conn-1", "key-1b");
        h.Pump(1);

        Assert.That(second.SentOf(ProtocolAction.Message).Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 1, 2 }));
        Assert.That(h.Connection.Key, Is.EqualTo("key-1b"), "RTN15e: the new key is adopted");
        Assert.That(h.Connection.ErrorReason, Is.Null);
        Assert.That(h.Sink.Changes.Last().Resumed, Is.True);

        _ = h.Publish();
        h.Pump(1);
        Assert.That(second.SentOf(ProtocolAction.Message).Last().MsgSerial, Is.EqualTo(3));

        second.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 1, Count = 3 });
        h.Pump(1);
        Assert.That(p.All(t => t.IsCompletedSuccessfully), Is.True);
    }

    [Test]
    public async Task RTN15c7_failed_resume_surfaces_the_error_resets_msgSerial_and_renumbers_unacked()
    {
        await using var h = new RealtimeHarness();
        var first = h.ConnectNow("conn-1", "key-1");
        var p = Enumerable.Range(0, 4).Select(_ => h.Publish()).ToArray();
        h.Pump(1);
        first.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 2 });
        first.Drop();
        h.Pump(1);

        var second = h.Transport;
        second.Open().Receive(FailedResume);
        h.Pump(1);

        Assert.That(h.Connection.Id, Is.EqualTo("conn-2"));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(ErrorCodes.UnableToRecoverConnection));
        var connected = h.Sink.ChangesTo(ConnectionState.Connected).Last();
        Assert.That(connected.Reason?.Code, Is.EqualTo(ErrorCodes.UnableToRecoverConnection));
        Assert.That(h.Sink.Changes.Last().Resumed, Is.False);
        Assert.That(second.SentOf(ProtocolAction.Message).Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 0, 1 }), "RTN19a2: renumbered from 0");

        _ = h.Publish();
        h.Pump(1);
        Assert.That(second.SentOf(ProtocolAction.Message).Last().MsgSerial, Is.EqualTo(2));
        second.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 2 });
        h.Pump(1);
        Assert.That(p.All(t => t.IsCompletedSuccessfully), Is.True, "nothing lost");
    }

    /// <summary>
    /// A frame the old transport delivered but the loop handles only after that transport was abandoned is ignored: an
    /// ACK read from it counts in a numbering that a failed resume replaces (RTN15c7, RTN19a2), so taking it would
    /// implicitly fail (RTN7a) the publishes the new transport resends. They are ACKed on the new transport instead.
    /// </summary>
    [Test]
    public async Task RTN7a_RTN19a2_an_ACK_from_a_transport_the_loop_has_abandoned_does_not_implicitly_fail_the_resent_publishes()
    {
        await using var h = new RealtimeHarness();
        var first = h.ConnectNow("conn-1", "key-1");
        var p = Enumerable.Range(0, 3).Select(_ => h.Publish()).ToArray();
        h.Pump(1);

        // Both frames reach the loop in the same hop: DISCONNECTED abandons the transport before the ACK is handled.
        first.Receive(new ProtocolMessage(ProtocolAction.Disconnected) { Error = new ErrorInfo(80003, 400, "going away") });
        first.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 2, Count = 1 });
        h.Pump(1);
        Assert.That(p.Any(t => t.IsCompleted), Is.False, "the ACK of the abandoned transport completed or failed nothing");

        var second = h.Transport;
        Assert.That(second, Is.Not.SameAs(first));
        second.Open().Receive(FailedResume);
        h.Pump(1);
        Assert.That(second.SentOf(ProtocolAction.Message).Select(m => m.MsgSerial), Is.EqualTo(new long?[] { 0, 1, 2 }), "RTN19a2: renumbered from 0");

        second.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 3 });
        h.Pump(1);
        Assert.That(p.All(t => t.IsCompletedSuccessfully), Is.True, "each ACKed once, none implicitly NACKed");
    }

    [Test]
    public async Task RTN15h3_server_DISCONNECTED_with_a_non_token_error_resumes_at_once()
    {
        await using var h = new RealtimeHarness();
        var first = h.ConnectNow("conn-1", "key-1");
        first.ReceiveAndClose(new ProtocolMessage(ProtocolAction.Disconnected) { Error = new ErrorInfo(80003, 400, "going away") });
        h.Pump(1);
        Assert.That(h.Transports.Created, Has.Count.EqualTo(2));
        Assert.That(h.Transport.Param("resume"), Is.EqualTo("key-1"));
        h.Transport.Connected("conn-1", "key-1");
        h.Pump(1);
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(h.Sink.ChangesTo(ConnectionState.Disconnected).Single().Reason?.Code, Is.EqualTo(80003));
    }

    [Test]
    public async Task RTL3_channels_observe_CONNECTED_after_resend_and_can_send_ATTACH_from_the_loop()
    {
        await using var h = new RealtimeHarness();
        h.Sink.OnChange = change =>
        {
            if (change.Current == ConnectionState.Connected)
            {
                Assert.That(h.Loop.IsOnLoop, Is.True, "state changes reach channels on the loop");
                h.Loop.TrySendNow(new ProtocolMessage(ProtocolAction.Attach, "recorder") { ChannelSerial = "cs:1" });
            }
        };
        var first = h.ConnectNow();
        _ = h.Publish();
        h.Pump(1);
        first.Drop();
        h.Pump(1);
        h.Transport.Connected("conn-1", "key-1");
        h.Pump(1);
        Assert.That(h.Transport.Sent.Select(m => m.Action), Is.EqualTo(new[] { ProtocolAction.Message, ProtocolAction.Attach }));
    }

    [Test]
    public async Task RTN16g_CreateRecoveryKey_holds_the_key_msgSerial_and_channel_serials()
    {
        await using var h = new RealtimeHarness();
        Assert.That(h.Connection.CreateRecoveryKey(), Is.Null, "RTN16g2: nothing to recover yet");
        h.ConnectNow("conn-1", "key-1");
        h.Sink.ChannelSerial = "serial-7";
        _ = h.Publish();
        _ = h.Publish();
        h.Pump(1);
        var key = Newtonsoft.Json.Linq.JObject.Parse(h.Connection.CreateRecoveryKey()!);
        Assert.That((string?)key["connectionKey"], Is.EqualTo("key-1"));
        Assert.That((long?)key["msgSerial"], Is.EqualTo(2));
        Assert.That((string?)key["channelSerials"]?["recorder"], Is.EqualTo("serial-7"));
    }

    [Test]
    public async Task RTN16k_Recover_is_sent_on_the_first_connect_only_and_restores_msgSerial()
    {
        var recovery = "{\"connectionKey\":\"old-key\",\"msgSerial\":7,\"channelSerials\":{\"chat\":\"cs-1\"}}";
        await using var h = new RealtimeHarness(o => o with { Recover = recovery });
        Assert.That(h.Loop.Channels.RecoveredChannelSerials["chat"], Is.EqualTo("cs-1"), "RTN16j: for the channels");
        h.Connection.Connect();
        h.Pump();
        Assert.That(h.Transport.Param("recover"), Is.EqualTo("old-key"));
        Assert.That(h.Transport.Param("resume"), Is.Null);
        h.Transport.Connected("old-conn", "new-key");
        h.Pump();
        _ = h.Publish();
        h.Pump(1);
        Assert.That(h.Transport.SentOf(ProtocolAction.Message).Single().MsgSerial, Is.EqualTo(7), "RTN16f: msgSerial continues");

        h.Transport.Drop();
        h.Pump(1);
        Assert.That(h.Transport.Param("recover"), Is.Null);
        Assert.That(h.Transport.Param("resume"), Is.EqualTo("new-key"));
    }

    [Test]
    public async Task RTN16f1_an_invalid_recovery_key_is_ignored()
    {
        await using var h = new RealtimeHarness(o => o with { Recover = "not json" });
        h.Connection.Connect();
        h.Pump();
        Assert.That(h.Transport.Param("recover"), Is.Null);
    }

    [Test]
    public async Task RTN16_failed_recovery_resets_msgSerial()
    {
        await using var h = new RealtimeHarness(o => o with { Recover = "{\"connectionKey\":\"old-key\",\"msgSerial\":7,\"channelSerials\":{}}" });
        h.Connection.Connect();
        h.Pump();
        h.Transport.Open().Receive(new ProtocolMessage(ProtocolAction.Connected)
        {
            ConnectionId = "fresh",
            ConnectionDetails = new ConnectionDetails { ConnectionKey = "k" },
            Error = new ErrorInfo(ErrorCodes.UnableToRecoverConnection, 400, "expired"),
        });
        h.Pump();
        _ = h.Publish();
        h.Pump(1);
        Assert.That(h.Transport.SentOf(ProtocolAction.Message).Single().MsgSerial, Is.EqualTo(0));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(ErrorCodes.UnableToRecoverConnection));
    }

    /// <summary>RTN15c7: the CONNECTED of a failed resume, a new connection with the error saying why.</summary>
    private static ProtocolMessage FailedResume => new(ProtocolAction.Connected)
    {
        ConnectionId = "conn-2",
        ConnectionDetails = new ConnectionDetails { ConnectionKey = "key-2", MaxIdleInterval = TimeSpan.FromSeconds(15), ConnectionStateTtl = TimeSpan.FromMinutes(2) },
        Error = new ErrorInfo(ErrorCodes.UnableToRecoverConnection, 400, "Unable to recover connection (connection expired)"),
    };
}
