using System.Reactive.Linq;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>Connection states and events (RTN4, RTN11, RTN14g, RTN15j, RTN21, RTN24), streams and the connect URL (RTN2).</summary>
[TestFixture]
public sealed class ConnectionStateTests
{
    [Test]
    public async Task RTN4_StateChanges_starts_with_the_current_state_then_every_change()
    {
        await using var h = new RealtimeHarness();
        h.ConnectNow();
        var seen = new List<ConnectionStateChange>();
        using var sub = h.Connection.StateChanges.Subscribe(seen.Add);
        h.Pump();
        Assert.That(seen.Select(c => c.Current), Is.EqualTo(new[] { ConnectionState.Connected }));

        h.Transport.Drop();
        h.Pump();
        Assert.That(seen.Select(c => c.Current), Is.EqualTo(new[] { ConnectionState.Connected, ConnectionState.Disconnected, ConnectionState.Connecting }));
        Assert.That(seen[1].Previous, Is.EqualTo(ConnectionState.Connected));
        Assert.That(seen[1].Reason?.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(seen[1].RetryIn, Is.EqualTo(TimeSpan.Zero), "RTN15a: immediate first reconnection");
    }

    [Test]
    public async Task RTN4_initial_state_is_INITIALIZED_and_Connect_goes_CONNECTING_then_CONNECTED()
    {
        await using var h = new RealtimeHarness();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Initialized));
        ConnectionStateChange? first = null;
        using (h.Connection.StateChanges.Take(1).Subscribe(c => first = c))
        {
            h.Pump();
        }

        Assert.That(first?.Current, Is.EqualTo(ConnectionState.Initialized));

        h.ConnectNow("abc", "abc!key");
        Assert.That(h.Sink.States, Is.EqualTo(new[] { ConnectionState.Connecting, ConnectionState.Connected }));
        Assert.That(h.Connection.Id, Is.EqualTo("abc"));
        Assert.That(h.Connection.Key, Is.EqualTo("abc!key"));
        Assert.That(h.Connection.Details?.MaxMessageSize, Is.EqualTo(65536));
        Assert.That(h.Connection.ErrorReason, Is.Null);
    }

    [Test]
    public async Task WaitForStateAsync_completes_for_an_already_reached_state()
    {
        await using var h = new RealtimeHarness();
        h.ConnectNow();
        var wait = h.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(5));
        h.Pump();
        var change = await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(change.Current, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task WaitForStateAsync_times_out_in_virtual_time_with_50003()
    {
        await using var h = new RealtimeHarness();
        var wait = h.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(5));
        h.Advance(TimeSpan.FromSeconds(5));
        var ex = Assert.ThrowsAsync<AblyException>(async () => await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.Timeout));
    }

    [Test]
    public async Task WaitForStateAsync_faults_with_the_reason_when_the_connection_fails()
    {
        await using var h = new RealtimeHarness();
        var wait = h.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(30));
        h.Connection.Connect();
        h.Pump();
        h.Transport.Open().ReceiveAndClose(new ProtocolMessage(ProtocolAction.Error) { Error = new ErrorInfo(40005, 400, "Invalid key") });
        h.Pump();
        var ex = Assert.ThrowsAsync<AblyException>(async () => await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(ex!.Code, Is.EqualTo(40005));
    }

    [Test]
    public async Task WaitForStateAsync_faults_with_80017_when_the_client_is_disposed_first()
    {
        var h = new RealtimeHarness();
        var wait = h.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(30));
        h.Pump();
        await h.DisposeAsync();
        h.Pump();
        var ex = Assert.ThrowsAsync<AblyException>(async () => await wait.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.ConnectionClosed));
    }

    [Test]
    public async Task RTN14g_ERROR_without_channel_while_connecting_goes_FAILED_with_the_reason()
    {
        await using var h = new RealtimeHarness();
        h.Connection.Connect();
        h.Pump();
        h.Transport.Open().ReceiveAndClose(new ProtocolMessage(ProtocolAction.Error) { Error = new ErrorInfo(40005, 400, "Invalid key") });
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(40005));
        Assert.That(h.Sink.ChangesTo(ConnectionState.Failed).Single().Reason?.Code, Is.EqualTo(40005));
        Assert.That(h.Transport.ClosedByClient, Is.True);

        h.Advance(TimeSpan.FromMinutes(10));
        Assert.That(h.Transports.Created, Has.Count.EqualTo(1), "FAILED never retries");
    }

    [Test]
    public async Task RTN15i_ERROR_without_channel_while_connected_goes_FAILED()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        transport.ReceiveAndClose(new ProtocolMessage(ProtocolAction.Error) { Error = new ErrorInfo(50000, 500, "Internal error") });
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(50000));
        Assert.That(h.Connection.Id, Is.Null, "RTN8d");
        Assert.That(h.Connection.Key, Is.Null, "RTN9d");
    }

    [Test]
    public async Task RTN24_a_second_CONNECTED_emits_UPDATE_with_new_details()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        transport.Receive(new ProtocolMessage(ProtocolAction.Connected)
        {
            ConnectionId = "conn-1",
            ConnectionDetails = new ConnectionDetails { ConnectionKey = "key-2", MaxMessageSize = 1000, ClientId = "bob" },
            Error = new ErrorInfo(40160, 401, "capability changed"),
        });
        h.Pump();
        var update = h.Sink.Changes.Last().Change;
        Assert.That(update.Event, Is.EqualTo(ConnectionEvent.Update));
        Assert.That(update.Previous, Is.EqualTo(ConnectionState.Connected));
        Assert.That(update.Current, Is.EqualTo(ConnectionState.Connected));
        Assert.That(update.Reason?.Code, Is.EqualTo(40160));
        Assert.That(h.Connection.Key, Is.EqualTo("key-2"));
        Assert.That(h.Connection.Details?.MaxMessageSize, Is.EqualTo(1000));
        Assert.That(h.Auth.ConfirmedClientId, Is.EqualTo("bob"), "RSA7b: clientId confirmed from connectionDetails");
        Assert.That(h.Sink.ChangesTo(ConnectionState.Connected), Has.Count.EqualTo(1), "no duplicate CONNECTED event");
    }

    [Test]
    public async Task Malformed_frames_do_not_kill_the_loop()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var publish = h.Publish();
        transport.ReceiveMalformed().ReceiveMalformed("truncated msgpack");
        transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 });
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(publish.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task A_throwing_channel_sink_does_not_kill_the_loop()
    {
        await using var h = new RealtimeHarness();
        h.Loop.Channels.Register(new ThrowingSink());
        var transport = h.ConnectNow();
        transport.Receive(new ProtocolMessage(ProtocolAction.Attached, "boom"));
        transport.Receive(new ProtocolMessage(ProtocolAction.Attached, "recorder"));
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(h.Sink.Frames.Select(f => f.Frame.Action), Is.EqualTo(new[] { ProtocolAction.Attached }));
    }

    [Test]
    public async Task Channel_frames_reach_their_registered_sink_and_unknown_channels_are_ignored()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        foreach (var action in new[] { ProtocolAction.Attached, ProtocolAction.Message, ProtocolAction.Presence, ProtocolAction.Sync, ProtocolAction.Detached, ProtocolAction.Error })
        {
            transport.Receive(new ProtocolMessage(action, "recorder"));
        }

        transport.Receive(new ProtocolMessage(ProtocolAction.Message, "nobody"));
        h.Pump();
        Assert.That(h.Sink.Frames.Select(f => f.Frame.Action), Is.EqualTo(new[]
        {
            ProtocolAction.Attached, ProtocolAction.Message, ProtocolAction.Presence, ProtocolAction.Sync, ProtocolAction.Detached, ProtocolAction.Error,
        }));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected), "a channel ERROR is not fatal to the connection");
    }

    [Test]
    public async Task RTN2_connect_url_carries_the_protocol_params()
    {
        await using var h = new RealtimeHarness(o => o with
        {
            Endpoint = "127.0.0.1",
            Port = 8080,
            Tls = false,
            AllowInsecureBasicAuth = true,
            UseBinaryProtocol = false,
            EchoMessages = false,
            ClientId = "alice",
            TransportParams = new Dictionary<string, string> { ["heartbeats"] = "false", ["extra"] = "1" },
        });
        h.Connection.Connect();
        h.Pump();
        var t = h.Transport;
        Assert.That(t.Uri.Scheme, Is.EqualTo("ws"));
        Assert.That(t.Uri.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(t.Uri.Port, Is.EqualTo(8080));
        Assert.That(t.Param("key"), Is.EqualTo("appId.keyId:secret"));
        Assert.That(t.Param("v"), Is.EqualTo("6"));
        Assert.That(t.Param("format"), Is.EqualTo("json"));
        Assert.That(t.Param("echo"), Is.EqualTo("false"));
        Assert.That(t.Param("clientId"), Is.EqualTo("alice"));
        Assert.That(t.Param("heartbeats"), Is.EqualTo("false"), "RTC1f: transportParams override defaults");
        Assert.That(t.Param("extra"), Is.EqualTo("1"));
        Assert.That(t.Param("agent"), Does.StartWith("reliably-rx/"));
        Assert.That(t.Param("resume"), Is.Null);
        Assert.That(t.Binary, Is.False);
    }

    [Test]
    public async Task RTN2_RTN2e_token_auth_sends_accessToken_and_msgpack_by_default()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        h.Connection.Connect();
        h.Pump();
        Assert.That(h.Transport.Param("accessToken"), Is.EqualTo("token-1"));
        Assert.That(h.Transport.Param("key"), Is.Null);
        Assert.That(h.Transport.Param("format"), Is.EqualTo("msgpack"));
        Assert.That(h.Transport.Param("echo"), Is.EqualTo("true"), "RTN2b: echo is sent either way");
        Assert.That(h.Transport.Binary, Is.True);
        Assert.That(h.Transport.Uri.Scheme, Is.EqualTo("wss"));
    }

    [Test]
    public async Task RTN11_Connect_after_CLOSED_starts_a_new_connection_with_msgSerial_0()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        _ = h.Publish();
        _ = h.Publish();
        h.Pump();
        var close = h.Connection.CloseAsync();
        h.Pump();
        transport.Receive(new ProtocolMessage(ProtocolAction.Closed));
        h.Pump();
        await close.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Closed));

        var second = h.ConnectNow("conn-2", "key-2");
        Assert.That(second.Param("resume"), Is.Null, "a closed connection is not resumed");
        _ = h.Publish();
        h.Pump();
        Assert.That(second.SentOf(ProtocolAction.Message).Single().MsgSerial, Is.EqualTo(0));
    }

    [Test]
    public async Task AutoConnect_connects_on_construction()
    {
        await using var h = new RealtimeHarness(o => o with { AutoConnect = true });
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connecting));
        Assert.That(h.Transports.Created, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task DisposeAsync_closes_fails_pending_and_completes_StateChanges()
    {
        var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var completed = false;
        using var sub = h.Connection.StateChanges.Subscribe(_ => { }, () => completed = true);
        var publish = h.Publish();
        h.Pump();
        await h.DisposeAsync();
        h.Pump();
        Assert.That(completed, Is.True);
        Assert.That(transport.SentOf(ProtocolAction.Close), Is.Not.Empty);
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Closed));
        var ex = Assert.ThrowsAsync<AblyException>(async () => await publish);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.ConnectionClosed));
        var after = Assert.ThrowsAsync<AblyException>(async () => await h.Publish());
        Assert.That(after!.Code, Is.EqualTo(ErrorCodes.ConnectionClosed));
    }

    private sealed class ThrowingSink : Reliably.Rx.Realtime.IChannelSink
    {
        public string Name => "boom";

        public string? ChannelSerial => null;

        public void OnFrame(ProtocolMessage message) => throw new InvalidOperationException("sink bug");

        public void OnConnectionStateChanged(ConnectionStateChange change, bool resumed) => throw new InvalidOperationException("sink bug");
    }
}
