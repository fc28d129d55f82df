using Microsoft.Reactive.Testing;

namespace Reliably.Rx.Testing.Tests.Scripted;

/// <summary>
/// Protocol-level tests with the scripted server: the test plays Ably frame by frame, on the test's scheduler, and
/// checks what the client puts on the wire and when.
/// </summary>
[TestFixture]
public sealed class ScriptedProtocolTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    [Test]
    public async Task RTN15a_a_lost_transport_is_resumed_at_once_with_the_connection_key()
    {
        var scheduler = new TestScheduler();
        var server = new ScriptedAbly(scheduler);
        await using var client = server.CreateRealtime();
        var states = scheduler.CreateObserver<ConnectionStateChange>();
        using var _ = client.Connection.StateChanges.Subscribe(states);

        var first = server.NextConnectionAttempt();
        Assert.That(first.Param("resume"), Is.Null);
        Assert.That(first.Param("format"), Is.EqualTo("msgpack"));
        Assert.That(first.Param("heartbeats"), Is.EqualTo("true"));
        first.RespondWithSuccess(ProtocolFrame.Connected("conn-A", "key-A"));
        scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, Limit);

        scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);
        var droppedAt = scheduler.Elapsed();
        first.Drop();
        var second = server.NextConnectionAttempt();

        // RTN15a: no retry timer: the new attempt follows the loss within scheduler steps, not seconds.
        Assert.That(TimeSpan.FromTicks(second.AttemptedAt.UtcTicks) - droppedAt, Is.LessThan(TimeSpan.FromMilliseconds(1)));
        Assert.That(second.Param("resume"), Is.EqualTo("key-A"), "RTN15b1: the connection key of the lost connection");
        second.RespondWithSuccess(ProtocolFrame.Connected("conn-A", "key-A2"));
        scheduler.AdvanceUntil(() => client.Connection.State == ConnectionState.Connected, Limit);

        Assert.That(client.Connection.Id, Is.EqualTo("conn-A"), "RTN15c6: resumed");
        Assert.That(client.Connection.Key, Is.EqualTo("key-A2"));
        var disconnected = states.Values().Single(s => s.Value.Current == ConnectionState.Disconnected).Value;
        Assert.That(disconnected.RetryIn, Is.EqualTo(TimeSpan.Zero), "RTN15a: announced as an immediate retry");
    }

    [Test]
    public async Task RTN14d_a_recoverable_connect_failure_is_retried_after_disconnectedRetryTimeout_with_the_RTB1_backoff()
    {
        var scheduler = new TestScheduler();
        var server = new ScriptedAbly(scheduler, seed: 3);

        // DISCONNECTED with a 4xx: recoverable, and not a reason to try fallback hosts.
        server.OnConnectionAttempt = c => c.RespondWithError(ProtocolFrame.Disconnected(new ErrorInfo(80003, 400, "not now")));
        await using var client = server.CreateRealtime();
        var states = scheduler.CreateObserver<ConnectionStateChange>();
        using var _ = client.Connection.StateChanges.Subscribe(states);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(100).Ticks);

        var changes = states.Values();
        var disconnected = changes.Where(c => c.Value.Current == ConnectionState.Disconnected).ToList();
        var retries = changes.Where(c => c.Value.Current == ConnectionState.Connecting).Skip(1).ToList();
        Assert.That(disconnected, Has.Count.GreaterThanOrEqualTo(4));
        for (var i = 0; i < 4; i++)
        {
            var n = i + 1;
            var retryIn = disconnected[i].Value.RetryIn!.Value;
            var bound = 15 * Math.Min((n + 2) / 3.0, 2.0);
            Assert.That(retryIn.TotalSeconds, Is.InRange(bound * 0.8, bound), $"RTB1 backoff of retry {n}");
            Assert.That(retries[i].At - disconnected[i].At, Is.EqualTo(retryIn), $"retry {n} starts exactly RetryIn later");
            Assert.That(disconnected[i].Value.Reason?.Code, Is.EqualTo(80003));
        }

        // Each retry reached the server one network step after the client started it; none resumes (never connected).
        Assert.That(server.Connections, Has.Count.EqualTo(retries.Count + 1));
        for (var i = 0; i < 4; i++)
        {
            Assert.That(TimeSpan.FromTicks(server.Connections[i + 1].AttemptedAt.UtcTicks) - retries[i].At, Is.LessThan(TimeSpan.FromMilliseconds(1)));
        }

        Assert.That(server.Connections.Select(c => c.Param("resume")), Is.All.Null);
    }

    [Test]
    public async Task RTL13a_a_server_DETACHED_makes_an_attached_channel_reattach_at_once_from_its_channelSerial()
    {
        var scheduler = new TestScheduler();
        var server = new ScriptedAbly(scheduler);
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        await using var client = server.CreateRealtime();
        var channel = client.Channels.Get("chat");
        var states = scheduler.CreateObserver<ChannelStateChange>();
        using var _ = channel.StateChanges.Subscribe(states);
        var attach = channel.AttachAsync();

        var attachFrame = server.NextFrameFromClient(ProtocolAction.Attach);
        Assert.That(attachFrame.Channel, Is.EqualTo("chat"));
        var connection = server.LastConnection!;
        connection.Send(ProtocolFrame.Attached("chat", "serial-1"));
        connection.Send(ProtocolFrame.Message("chat", "serial-2", ("a", "1")));
        scheduler.AdvanceUntilCompleted(attach, Limit);

        connection.Send(ProtocolFrame.Detached("chat", new ErrorInfo(90198, 500, "server detached")));
        var reattach = server.NextFrameFromClient(ProtocolAction.Attach);
        Assert.That(reattach.ChannelSerial, Is.EqualTo("serial-2"), "RTL4c1: from the last channelSerial");
        Assert.That(channel.State, Is.EqualTo(ChannelState.Attaching));
        connection.Send(ProtocolFrame.Attached("chat", "serial-2", flags: 4));

        // Changes reach an observer a scheduler step after the channel's state: wait for the observer.
        scheduler.AdvanceUntil(() => states.Values()[^1].Value.Current == ChannelState.Attached, Limit);

        var changes = states.Values().Select(s => s.Value).ToList();
        var attaching = changes.Last(c => c.Current == ChannelState.Attaching);
        Assert.That(attaching.Previous, Is.EqualTo(ChannelState.Attached));
        Assert.That(attaching.Reason?.Code, Is.EqualTo(90198), "RTL13a: the DETACHED's error");
        Assert.That(changes[^1].Current, Is.EqualTo(ChannelState.Attached));
        Assert.That(changes[^1].Resumed, Is.True);
    }

    [Test]
    public async Task RTL13b_a_reattach_that_fails_suspends_the_channel_and_retries_after_channelRetryTimeout()
    {
        var scheduler = new TestScheduler();
        var server = new ScriptedAbly(scheduler);
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        await using var client = server.CreateRealtime();
        var channel = client.Channels.Get("chat");
        var attach = channel.AttachAsync();
        server.NextFrameFromClient(ProtocolAction.Attach);
        var connection = server.LastConnection!;
        connection.Send(ProtocolFrame.Attached("chat", "serial-1"));
        scheduler.AdvanceUntilCompleted(attach, Limit);

        connection.Send(ProtocolFrame.Detached("chat", new ErrorInfo(90198, 500, "server detached")));
        server.NextFrameFromClient(ProtocolAction.Attach);

        // No answer: the re-attach times out after realtimeRequestTimeout (10 s), the channel is SUSPENDED, and the next
        // ATTACH comes channelRetryTimeout (15 s) later, less jitter (RTB1).
        scheduler.AdvanceUntil(() => channel.State == ChannelState.Suspended, Limit);
        var suspendedAt = scheduler.Elapsed();
        server.NextFrameFromClient(ProtocolAction.Attach);
        var retryAfter = scheduler.Elapsed() - suspendedAt;
        Assert.That(retryAfter.TotalSeconds, Is.InRange(15 * 0.8, 15.001));
    }

    [Test]
    public async Task RTN19a_unacknowledged_messages_are_resent_after_a_resume_with_their_msgSerial()
    {
        var scheduler = new TestScheduler();
        var server = new ScriptedAbly(scheduler);
        await using var client = server.CreateRealtime();
        server.NextConnectionAttempt().RespondWithSuccess(ProtocolFrame.Connected("conn-A", "key-A"));
        var channel = client.Channels.Get("chat");
        var publish = channel.PublishAsync("greeting", "hello");
        var sent = server.NextFrameFromClient(ProtocolAction.Message);
        Assert.That(sent.MsgSerial, Is.EqualTo(0));
        var id = sent.Messages.Single().Value<string>("id");

        server.LastConnection!.Drop();
        var resumed = server.NextConnectionAttempt();
        Assert.That(resumed.Param("resume"), Is.EqualTo("key-A"));
        resumed.RespondWithSuccess(ProtocolFrame.Connected("conn-A", "key-A2"));

        var resent = server.NextFrameFromClient(ProtocolAction.Message, resumed);
        Assert.That(resent.MsgSerial, Is.EqualTo(0), "RTN19a: the same msgSerial after a successful resume");
        Assert.That(resent.Messages.Single().Value<string>("id"), Is.EqualTo(id), "the same message id");
        Assert.That(publish.IsCompleted, Is.False);
        resumed.Send(ProtocolFrame.Ack(0));
        scheduler.AdvanceUntilCompleted(publish, Limit);
    }

    [Test]
    public async Task RTN19a2_after_a_failed_resume_unacknowledged_messages_are_resent_renumbered_from_zero()
    {
        var scheduler = new TestScheduler();
        var server = new ScriptedAbly(scheduler);
        await using var client = server.CreateRealtime();
        server.NextConnectionAttempt().RespondWithSuccess(ProtocolFrame.Connected("conn-A", "key-A"));
        var channel = client.Channels.Get("chat");
        var first = channel.PublishAsync("one", "1");
        server.NextFrameFromClient(ProtocolAction.Message);
        server.LastConnection!.Send(ProtocolFrame.Ack(0));
        scheduler.AdvanceUntilCompleted(first, Limit);
        var second = channel.PublishAsync("two", "2");
        Assert.That(server.NextFrameFromClient(ProtocolAction.Message).MsgSerial, Is.EqualTo(1));

        server.LastConnection!.Drop();
        var attempt = server.NextConnectionAttempt();
        attempt.RespondWithSuccess(ProtocolFrame.Connected("conn-B", "key-B", error: new ErrorInfo(80008, 400, "Unable to recover connection")));
        var resent = server.NextFrameFromClient(ProtocolAction.Message, attempt);
        Assert.That(resent.MsgSerial, Is.EqualTo(0), "RTN19a2: renumbered on the new connection");
        Assert.That(resent.Messages.Single().Value<string>("name"), Is.EqualTo("two"));
        attempt.Send(ProtocolFrame.Ack(0));
        scheduler.AdvanceUntilCompleted(second, Limit);
        Assert.That(client.Connection.Id, Is.EqualTo("conn-B"));
    }

    [Test]
    public void Scripted_REST_requests_are_seen_and_answered_on_the_scheduler()
    {
        var scheduler = new TestScheduler();
        var server = new ScriptedAbly(scheduler) { Latency = TimeSpan.FromMilliseconds(50) };
        using var rest = server.CreateRest();
        var time = rest.TimeAsync();
        var request = server.NextHttpRequest();
        Assert.That(request.Method, Is.EqualTo(HttpMethod.Get));
        Assert.That(request.Path, Is.EqualTo("/time"));
        Assert.That(request.Header("X-Ably-Version"), Is.Not.Null);
        Assert.That(scheduler.Elapsed(), Is.EqualTo(TimeSpan.FromMilliseconds(50)), "one way");
        request.RespondWith(200, "[1700000000000]");
        var answer = scheduler.AdvanceUntilCompleted(time, Limit);
        Assert.That(answer, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000)));
        Assert.That(scheduler.Elapsed(), Is.EqualTo(TimeSpan.FromMilliseconds(100)), "the round trip");
    }

    [Test]
    public void Scripted_REST_requests_carry_the_Host_header_of_the_host_tried_and_can_fail_name_resolution()
    {
        var scheduler = new TestScheduler();
        var server = new ScriptedAbly(scheduler);
        using var rest = server.CreateRest(o => o with { FallbackHosts = new[] { "fb.example.com" } });
        var time = rest.TimeAsync();
        var primary = server.NextHttpRequest();
        Assert.That(primary.Header("Host"), Is.EqualTo("main.realtime.ably.net"));
        primary.FailNameResolution();
        var fallback = server.NextHttpRequest();
        Assert.That(fallback.Header("Host"), Is.EqualTo("fb.example.com"), "RSC15l1: a DNS failure sends the request to a fallback host");
        fallback.RespondWith(200, "[1700000000000]");
        Assert.That(scheduler.AdvanceUntilCompleted(time, Limit), Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1700000000000)));
    }

    [Test]
    public void A_scripted_Content_Type_header_replaces_the_body_s_content_type()
    {
        var scheduler = new TestScheduler();
        var server = new ScriptedAbly(scheduler);
        server.OnHttpRequest = r => r.RespondWith(404, "{}", new Dictionary<string, string> { ["Content-Type"] = "text/html", ["X-Extra"] = "1" });
        using var rest = server.CreateRest();

        var response = scheduler.AdvanceUntilCompleted(rest.RequestAsync(HttpMethod.Get, "/x"), Limit);

        Assert.That(response.Headers["Content-Type"], Is.EqualTo("text/html"), "one value, not a list");
        Assert.That(response.Headers["X-Extra"], Is.EqualTo("1"));
    }
}
