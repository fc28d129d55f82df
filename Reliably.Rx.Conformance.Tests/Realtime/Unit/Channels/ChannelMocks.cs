using System.Reactive.Linq;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>
/// The mock set-ups that the channel specs (uts/realtime/unit/channels) repeat: a server that accepts every connection
/// with the specs' <c>CONNECTED_MESSAGE</c> and answers ATTACH and DETACH, and the recording of a channel's events.
/// </summary>
internal static class ChannelMocks
{
    /// <summary>A scheduler and a server that accepts every connection attempt with CONNECTED_MESSAGE.</summary>
    /// <param name="onFrame">The specs' <c>onMessageFromClient</c>, if any.</param>
    public static (TestScheduler Scheduler, ScriptedAbly Server) AcceptingServer(Action<ScriptedConnection, ProtocolFrame>? onFrame = null)
    {
        var (scheduler, server) = Uts.Mock();
        server.OnConnectionAttempt = c => c.RespondWithSuccess();
        server.OnFrameFromClient = onFrame;
        return (scheduler, server);
    }

    /// <summary>The handler most specs use: ATTACH is answered by ATTACHED, DETACH by DETACHED, each for its channel.</summary>
    public static void AttachAndDetach(ScriptedConnection connection, ProtocolFrame frame)
    {
        if (frame.Action == ProtocolAction.Attach)
        {
            connection.Send(ProtocolFrame.Attached(frame.Channel!));
        }
        else if (frame.Action == ProtocolAction.Detach)
        {
            connection.Send(ProtocolFrame.Detached(frame.Channel!));
        }
    }

    /// <summary><c>client.connect(); AWAIT_STATE connected</c>.</summary>
    public static void ConnectAndWait(this TestScheduler scheduler, AblyRealtime client)
    {
        client.Connection.Connect();
        scheduler.AwaitState(client.Connection, ConnectionState.Connected);
    }

    /// <summary><c>mock_ws.send_to_client(message)</c>: sends on the latest connection.</summary>
    public static void SendToClient(this ScriptedAbly server, ProtocolFrame frame) =>
        (server.LastConnection ?? throw new InvalidOperationException("No connection yet.")).Send(frame);

    /// <summary><c>mock_ws.send_to_client(message)</c> for a message written as JSON.</summary>
    public static void SendToClient(this ScriptedAbly server, string json) => server.SendToClient(ProtocolFrame.Parse(json));

    /// <summary>A frame from a JSON object (for messages with fields the factory methods do not set).</summary>
    public static ProtocolFrame Frame(JObject json) => new(json);

    /// <summary>ACK of one ProtocolMessage with its <c>res</c> entry (TR4s): <c>PublishResult(serials: [...])</c>.</summary>
    public static ProtocolFrame AckWithSerials(long msgSerial, params string?[] serials) => new(new JObject
    {
        ["action"] = (int)ProtocolAction.Ack,
        ["msgSerial"] = msgSerial,
        ["count"] = 1,
        ["res"] = new JArray(new JObject { ["serials"] = new JArray(serials.Select(s => s is null ? JValue.CreateNull() : new JValue(s))) }),
    });

    /// <summary>Every frame of <paramref name="action"/> the client sent, across connections, in order.</summary>
    public static List<ProtocolFrame> FramesFromClient(this ScriptedAbly server, ProtocolAction action) =>
        server.Events.Where(e => e.Kind == ScriptedEventKind.FrameFromClient && e.Frame!.Action == action).Select(e => e.Frame!).ToList();

    /// <summary>
    /// <c>channel.on(event).listen(change =&gt; list.append(change))</c>: records the changes of that event (every event when
    /// null) from now on; the state stream's first value (the current state) is not a change and is left out.
    /// </summary>
    public static List<ChannelStateChange> Record(this RealtimeChannel channel, ChannelEvent? only = null)
    {
        var changes = new List<ChannelStateChange>();
        channel.StateChanges.Skip(1).Where(c => only is null || c.Event == only).Subscribe(changes.Add, _ => { });
        return changes;
    }

    /// <summary><c>ASSERT changes CONTAINS_IN_ORDER [...]</c>: the states appear in this order, other changes may come between.</summary>
    public static void AssertContainsInOrder(List<ChannelStateChange> changes, params ChannelState[] states)
    {
        var next = 0;
        foreach (var change in changes)
        {
            if (next < states.Length && change.Current == states[next])
            {
                next++;
            }
        }

        Assert.That(next, Is.EqualTo(states.Length), $"expected [{string.Join(", ", states)}] in order within [{string.Join(", ", changes.Select(c => c.Current))}]");
    }

    /// <summary><c>connection.on().listen(...)</c>: records the connection's state changes from now on.</summary>
    public static List<ConnectionStateChange> Record(this Reliably.Rx.Connection connection)
    {
        var changes = new List<ConnectionStateChange>();
        connection.StateChanges.Skip(1).Subscribe(changes.Add, _ => { });
        return changes;
    }
}

/// <summary>
/// The specs' most common set-up: a server (<see cref="ChannelMocks.AcceptingServer"/>), a client with
/// <c>autoConnect: false</c>, a channel of it, connected and, for <see cref="Attached"/>, attached. Disposing closes the
/// client (<c>CLOSE_CLIENT</c>).
/// </summary>
internal sealed record ChannelFixture(TestScheduler Scheduler, ScriptedAbly Server, AblyRealtime Client, RealtimeChannel Channel) : IAsyncDisposable
{
    /// <summary>A connected client and a channel not yet attached.</summary>
    /// <param name="channelName">The channel.</param>
    /// <param name="onFrame">The server's <c>onMessageFromClient</c>; by default <see cref="ChannelMocks.AttachAndDetach"/>.</param>
    /// <param name="configure">Further client options.</param>
    /// <param name="channelOptions">The channel's options.</param>
    public static ChannelFixture Connected(
        string channelName,
        Action<ScriptedConnection, ProtocolFrame>? onFrame = null,
        Func<ClientOptions, ClientOptions>? configure = null,
        ChannelOptions? channelOptions = null)
    {
        var (scheduler, server) = ChannelMocks.AcceptingServer(onFrame ?? ChannelMocks.AttachAndDetach);
        var client = server.CreateRealtime(o => (configure ?? (x => x))(o with { AutoConnect = false }));
        var channel = client.Channels.Get(channelName, channelOptions);
        scheduler.ConnectAndWait(client);
        return new ChannelFixture(scheduler, server, client, channel);
    }

    /// <summary>As <see cref="Connected"/>, then <c>AWAIT channel.attach()</c>.</summary>
    public static ChannelFixture Attached(
        string channelName,
        Action<ScriptedConnection, ProtocolFrame>? onFrame = null,
        Func<ClientOptions, ClientOptions>? configure = null,
        ChannelOptions? channelOptions = null)
    {
        var fixture = Connected(channelName, onFrame, configure, channelOptions);
        fixture.Scheduler.Await(fixture.Channel.AttachAsync());
        return fixture;
    }

    /// <summary>The server answers every HTTP request with 200 and <paramref name="body"/>; returns the requests as they arrive.</summary>
    public List<ScriptedHttpRequest> AnswerHttp(string body)
    {
        var requests = new List<ScriptedHttpRequest>();
        Server.OnHttpRequest = req =>
        {
            requests.Add(req);
            req.RespondWith(200, body);
        };
        return requests;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Client.DisposeAsync();
}

/// <summary>The ProtocolMessage flags the channel specs use (TR3).</summary>
internal static class Flags
{
    public const int HasPresence = 1;
    public const int HasBacklog = 2;
    public const int Resumed = 4;
    public const int AttachResume = 32;
    public const int Presence = 65536;
    public const int Publish = 131072;
    public const int Subscribe = 262144;
    public const int PresenceSubscribe = 524288;
}
