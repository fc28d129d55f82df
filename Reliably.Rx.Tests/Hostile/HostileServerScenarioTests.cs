using Reliably.Rx.Protocol;
using Reliably.Rx.Tests.Channels;
using Reliably.Rx.Tests.Realtime;

namespace Reliably.Rx.Tests.Hostile;

/// <summary>Scripted hostile servers in virtual time: each ends in the state documented in docs/reliability.md.</summary>
[TestFixture]
[Category("Hostile")]
public sealed class HostileServerScenarioTests
{
    [Test]
    public async Task CONNECTED_without_connectionDetails_connects_with_the_client_defaults()
    {
        await using var h = new RealtimeHarness();
        h.Connection.Connect();
        h.Pump();
        h.Transport.Open().Receive(new ProtocolMessage(ProtocolAction.Connected) { ConnectionId = "c1", ConnectionKey = "k1" });
        h.Pump();

        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(h.Connection.Id, Is.EqualTo("c1"));

        // The idle timer falls back to ClientOptions.MaxIdleInterval + realtimeRequestTimeout (15 s + 10 s).
        h.Advance(TimeSpan.FromSeconds(24));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
        h.Advance(TimeSpan.FromSeconds(2));
        Assert.That(h.Connection.State, Is.Not.EqualTo(ConnectionState.Connected), "a silent server is detected with the defaults");
    }

    [Test]
    public async Task RTN8_RTN9_RTN14d_CONNECTED_without_a_connectionId_or_key_fails_the_attempt_and_retries()
    {
        await using var h = new RealtimeHarness();
        h.Connection.Connect();
        h.Pump();
        var first = h.Transport;
        first.Open().Receive(new ProtocolMessage(ProtocolAction.Connected));
        h.Pump();

        // RTN8, RTN9: CONNECTED means an id and a key; a CONNECTED without them is a failed attempt (RTN14d).
        TestContext.Progress.WriteLine($"[hostile] CONNECTED without id/key: {h.Connection.State} {h.Connection.ErrorReason}");
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(ErrorCodes.InternalError));
        Assert.That(h.Connection.Id, Is.Null);
        Assert.That(h.Connection.Key, Is.Null);
        Assert.That(first.ClosedByClient, Is.True);

        void AdvanceToTheRetry()
        {
            for (var i = 0; i < 60 && h.Connection.State != ConnectionState.Connecting; i++)
            {
                h.Advance(TimeSpan.FromSeconds(1));
            }
        }

        // Only the id, or only the key: the same.
        foreach (var partial in new[]
        {
            new ProtocolMessage(ProtocolAction.Connected) { ConnectionId = "c1" },
            new ProtocolMessage(ProtocolAction.Connected) { ConnectionKey = "k1" },
        })
        {
            AdvanceToTheRetry();
            Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connecting), "RTN14d: retried");
            h.Transport.Open().Receive(partial);
            h.Pump();
            Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
            Assert.That(h.Connection.Id, Is.Null);
        }

        // A well-formed CONNECTED on the next attempt connects, and the loop still answers pings.
        AdvanceToTheRetry();
        h.Transport.Connected("c2", "k2");
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(h.Connection.Id, Is.EqualTo("c2"));
        Assert.That(h.Connection.Key, Is.EqualTo("k2"));
        var ping = h.Connection.PingAsync();
        h.Pump();
        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = h.Transport.SentOf(ProtocolAction.Heartbeat).Single().Id });
        h.Pump();
        Assert.That(ping.IsCompletedSuccessfully, Is.True, "the loop still answers");
    }

    [Test]
    public async Task ACK_and_NACK_for_serials_never_sent_are_ignored_and_the_real_ACK_still_completes_the_publish()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var publish = c.Channel.PublishAsync("n", "d");
        c.Pump();
        c.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 5, Count = 3 });
        c.Receive(new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = 1_000_000, Count = 1, Error = new ErrorInfo(50000, 500, "nope") });
        c.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = -7, Count = -2 });
        c.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = null });
        Assert.That(publish.IsCompleted, Is.False, "foreign ACKs settle nothing");

        c.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 });
        await publish.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(c.H.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task Unknown_actions_and_frames_for_unknown_channels_are_ignored()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var received = new List<Message>();
        using var s = c.Channel.Messages().Subscribe(received.Add);
        c.Receive(new ProtocolMessage((ProtocolAction)77) { Channel = "chat", Messages = [new Message("x", "y")] });
        c.Receive(new ProtocolMessage((ProtocolAction)(-1)));
        c.Receive(new ProtocolMessage(ProtocolAction.Message, "nobody-attached-this") { Messages = [new Message("x", "y")] });
        c.Receive(new ProtocolMessage(ProtocolAction.Attached, "nobody-attached-this"));
        c.Receive(new ProtocolMessage(ProtocolAction.Detached, "nobody-attached-this"));
        c.Receive(new ProtocolMessage(ProtocolAction.Error, "nobody-attached-this") { Error = new ErrorInfo(90000, 400, "x") });
        c.Receive(new ProtocolMessage(ProtocolAction.Sync, "nobody-attached-this"));

        Assert.That(c.H.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(received, Is.Empty);
        Assert.That(c.Errors, Is.Empty);

        c.Receive(c.MessageFrame("pub:1", "cs-1", new Message("ok", "fine") { Id = "pub:1:0" }));
        Assert.That(received.Select(m => m.Name), Is.EqualTo(new[] { "ok" }), "the channel still delivers");
    }

    [Test]
    public async Task An_oversized_inbound_frame_is_delivered_without_harm()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var received = new List<Message>();
        using var s = c.Channel.Messages().Subscribe(received.Add);
        var big = new string('x', 8 * 1024 * 1024);
        c.Receive(c.MessageFrame("pub:1", "cs-1", Enumerable.Range(0, 4).Select(i => new Message("big", big) { Id = "pub:1:" + i }).ToArray()));
        Assert.That(received, Has.Count.EqualTo(4));
        Assert.That(c.H.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task A_server_that_accepts_the_socket_and_never_answers_times_out_to_DISCONNECTED_with_a_retry()
    {
        await using var h = new RealtimeHarness();
        var changes = new List<ConnectionStateChange>();
        using var s = h.Connection.StateChanges.Subscribe(changes.Add);
        h.Connection.Connect();
        h.Pump();
        h.Transport.Open();
        h.Advance(TimeSpan.FromSeconds(9));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connecting));
        h.Advance(TimeSpan.FromSeconds(2));

        var disconnected = changes.First(c => c.Current == ConnectionState.Disconnected);
        Assert.That(disconnected.Reason?.Code, Is.GreaterThan(0), "the timeout is explained");
        Assert.That(disconnected.RetryIn, Is.Not.Null, "and a retry is scheduled (RTN14d)");
        Assert.That(h.Transport.ClosedByClient, Is.True, "the dead socket is closed");
        h.Advance(disconnected.RetryIn!.Value + TimeSpan.FromSeconds(1));
        Assert.That(h.Transports.Created.Count, Is.GreaterThanOrEqualTo(2), "a new attempt was made");
    }

    [Test]
    public async Task A_server_that_stops_answering_mid_connection_is_detected_by_the_idle_timer()
    {
        await using var h = new RealtimeHarness();
        h.ConnectNow(details: new ConnectionDetails { MaxIdleInterval = TimeSpan.FromSeconds(15), ConnectionStateTtl = TimeSpan.FromSeconds(120) });
        var first = h.Transport;
        h.Advance(TimeSpan.FromSeconds(26));

        Assert.That(h.Connection.State, Is.Not.EqualTo(ConnectionState.Connected));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(first.ClosedByClient, Is.True);
        var ping = h.Connection.PingAsync();
        h.Pump();
        Assert.That(ping.IsCompleted, Is.False, "RTN13d: the ping waits for the connection");
        h.Transport.Connected("conn-1", "key-1");
        h.Pump();
        var heartbeat = h.Transport.SentOf(Reliably.Rx.Protocol.ProtocolAction.Heartbeat).Single();
        h.Transport.Receive(new Reliably.Rx.Protocol.ProtocolMessage(Reliably.Rx.Protocol.ProtocolAction.Heartbeat) { Id = heartbeat.Id });
        h.Pump();
        Assert.That(ping.IsCompletedSuccessfully, Is.True, "the loop still answers");
    }

    [Test]
    public async Task Malformed_frames_are_logged_and_never_fatal()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        for (var i = 0; i < 100; i++)
        {
            c.Transport.ReceiveMalformed("garbage " + i);
        }

        c.Pump();
        Assert.That(c.H.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attached));
    }

    [Test]
    public async Task A_connection_ERROR_with_code_0_still_leaves_a_clear_error_code()
    {
        await using var h = new RealtimeHarness();
        h.ConnectNow();
        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Error) { Error = new ErrorInfo(0, 0, "boom") });
        h.Pump();

        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(ErrorCodes.InternalError), "a code the application can act on");
        Assert.That(h.Connection.ErrorReason?.Message, Does.Contain("boom"), "the server's text is kept");
    }

    [Test]
    public async Task A_channel_ERROR_with_code_0_still_leaves_a_clear_error_code()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        c.Receive(new ProtocolMessage(ProtocolAction.Error, "chat") { Error = new ErrorInfo(0, 0, "boom") });

        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(c.Channel.ErrorReason?.Code, Is.EqualTo(ErrorCodes.ChannelOperationFailed));
        Assert.That(c.Channel.ErrorReason?.Message, Does.Contain("boom"));
        Assert.That(c.H.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }
}
