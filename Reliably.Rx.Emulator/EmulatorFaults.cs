using System.Net;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator;

/// <summary>
/// Fault injection. Each method mirrors an HTTP route under <c>/_emulator</c> (see docs/emulator.md). Methods that
/// target a connection return <c>false</c> when no such connection exists (or, where it matters, it has no transport).
/// </summary>
public sealed class EmulatorFaults
{
    private static readonly EmulatorError DefaultDisconnect = new(80003, 400, "Injected disconnect");
    private static readonly EmulatorError DefaultDetach = new(90000, 500, "Injected server-initiated detach");
    private static readonly EmulatorError DefaultChannelError = new(90000, 400, "Injected channel error");
    private static readonly EmulatorError DefaultFatal = new(40000, 400, "Injected connection error");
    private readonly EmulatorServer _server;

    internal EmulatorFaults(EmulatorServer server) => _server = server;

    /// <summary>Drops the connection's transport abruptly (no DISCONNECTED, no close frame; RTN15a). The state stays resumable.</summary>
    public bool DropConnection(string connectionId) => WithTransport(connectionId, (_, t) => t.Abort());

    /// <summary>Sends DISCONNECTED with <paramref name="error"/> (default 80003), then closes the socket (RTN15h). The state stays resumable.
    /// A token error (40140–40149) makes clients renew their token before resuming.</summary>
    public bool Disconnect(string connectionId, EmulatorError? error = null) =>
        WithTransport(connectionId, (s, _) => s.DisconnectTransport((error ?? DefaultDisconnect).ToJson()));

    /// <summary>Forgets the connection's state so its next resume fails with 80008 (RTN15c7). The current transport stays
    /// open unless <paramref name="dropTransport"/> is set, in which case it is dropped abruptly so the client resumes at once.</summary>
    public bool ForgetConnection(string connectionId, bool dropTransport = false)
    {
        var session = _server.Sessions.Find(connectionId);
        if (session is null)
        {
            return false;
        }

        _server.Sessions.Remove(session);
        if (dropTransport)
        {
            session.Transport?.Abort();
        }

        return true;
    }

    /// <summary>Makes the connection silent (no frames, no heartbeats, no WebSocket pings) so the client's idle timer (RTN23a) fires; <c>false</c> restores it.</summary>
    public bool SetSilent(string connectionId, bool silent = true) => WithTransport(connectionId, (_, t) => t.Silenced = silent);

    /// <summary>Sends a connection-level ERROR (fatal: the client goes FAILED) and discards the connection.</summary>
    public bool FailConnection(string connectionId, EmulatorError? error = null) =>
        WithSession(connectionId, s => s.Fail((error ?? DefaultFatal).ToJson()));

    /// <summary>Sends an unsolicited DETACHED for the channel (RTL13); the server stops delivering until the client re-attaches.</summary>
    public bool DetachChannel(string connectionId, string channel, EmulatorError? error = null) =>
        WithSession(connectionId, s =>
        {
            s.DetachServerSide(channel, forgetContinuity: false);
            s.Send(new Newtonsoft.Json.Linq.JObject { ["action"] = Actions.Detached, ["channel"] = channel, ["error"] = (error ?? DefaultDetach).ToJson() });
        });

    /// <summary>Sends ERROR for the channel (RTL14: the channel goes FAILED) and detaches it server-side.</summary>
    public bool FailChannel(string connectionId, string channel, EmulatorError? error = null) =>
        WithSession(connectionId, s =>
        {
            s.DetachServerSide(channel, forgetContinuity: true);
            s.Send(new Newtonsoft.Json.Linq.JObject { ["action"] = Actions.Error, ["channel"] = channel, ["error"] = (error ?? DefaultChannelError).ToJson() });
        });

    /// <summary>
    /// Sends <paramref name="protocolMessageJson"/> to the connection as if the server had: any ProtocolMessage (an
    /// ATTACHED without RESUMED, RTL12; a DETACHED; an ERROR), through its current transport and wire format. The server's
    /// own state is unchanged. False for an unknown connection or one with no open transport.
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="protocolMessageJson">The ProtocolMessage as JSON, with at least an <c>action</c>.</param>
    public bool SendFrame(string connectionId, string protocolMessageJson)
    {
        var message = ParseFrame(protocolMessageJson, nameof(protocolMessageJson));
        return WithTransport(connectionId, (_, t) => t.Enqueue(new OutgoingFrame(message)));
    }

    /// <summary>
    /// Closes the connection's WebSocket cleanly (a close frame) without sending any ProtocolMessage first: a transport
    /// the client sees end in order, unlike the abrupt <see cref="DropConnection"/>. The state stays resumable (RTN15a).
    /// </summary>
    /// <param name="connectionId">The connection.</param>
    public bool CloseConnection(string connectionId) => WithTransport(connectionId, (_, t) => t.EndAfterFlush());

    /// <summary>
    /// Swallows frames of one action, as a fault-injecting proxy does: those the server would send
    /// (<see cref="EmulatorFrameDirection.Outbound"/>, e.g. CONNECTED for a connection timeout, RTN14c, or an ACK, RTN19a),
    /// or those clients send (<see cref="EmulatorFrameDirection.Inbound"/>: recorded as received, never handled, e.g. an
    /// ATTACH, RTL4f). Applies to every connection, to the next <paramref name="count"/> matching frames (null: until
    /// <see cref="Reset"/>), optionally only on one channel.
    /// </summary>
    /// <param name="direction">Which way the frames travel.</param>
    /// <param name="action">The ProtocolMessage action number (TR2), e.g. 10 for ATTACH.</param>
    /// <param name="count">How many frames; null for all until reset.</param>
    /// <param name="channel">Only frames of this channel; null for any.</param>
    public void SuppressFrames(EmulatorFrameDirection direction, int action, int? count = null, string? channel = null)
    {
        ValidateCount(count);
        _server.Faults.Frames.Add(direction == EmulatorFrameDirection.Inbound, action, channel, null, count);
    }

    /// <summary>
    /// Replaces frames of one action that the server sends with <paramref name="replacementJson"/>, as a fault-injecting
    /// proxy does: the server believes it sent the original (e.g. a CONNECTED replaced with a fatal ERROR, RTN14a, or an
    /// ATTACHED with a channel ERROR, RTL14). Applies to every connection, to the next <paramref name="count"/> matching
    /// frames (null: until <see cref="Reset"/>), optionally only on one channel.
    /// </summary>
    /// <param name="action">The ProtocolMessage action number to replace, e.g. 4 for CONNECTED.</param>
    /// <param name="replacementJson">The ProtocolMessage sent instead, as JSON.</param>
    /// <param name="count">How many frames; null for all until reset.</param>
    /// <param name="channel">Only frames of this channel; null for any.</param>
    public void ReplaceFrames(int action, string replacementJson, int? count = null, string? channel = null)
    {
        ValidateCount(count);
        _server.Faults.Frames.Add(false, action, channel, ParseFrame(replacementJson, nameof(replacementJson)), count);
    }

    /// <summary>Sends a server AUTH asking the client to re-authenticate in band (RTN22).</summary>
    public bool RequestReauth(string connectionId) =>
        WithSession(connectionId, s => s.Send(new Newtonsoft.Json.Linq.JObject { ["action"] = Actions.Auth }));

    /// <summary>NACKs the next <paramref name="count"/> publishes (realtime MESSAGE/PRESENCE and REST publish) with <paramref name="error"/>
    /// (default 50000/500), optionally only those of one connection.</summary>
    public void NackNextPublishes(int count, EmulatorError? error = null, string? connectionId = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _server.Faults.AddNack(count, error ?? EmulatorError.ServerError, connectionId);
    }

    /// <summary>Delays every ACK/NACK by <paramref name="delay"/> (<see cref="TimeSpan.Zero"/> turns it off).</summary>
    public void DelayAcks(TimeSpan delay) => _server.Faults.AckDelay = delay;

    /// <summary>Delays every ATTACHED (and the processing of later frames on that connection) by <paramref name="delay"/>.</summary>
    public void DelayAttached(TimeSpan delay) => _server.Faults.AttachDelay = delay;

    /// <summary>Answers REST requests with HTTP <paramref name="statusCode"/> (e.g. 503) and an Ably error body, on one listen
    /// address (or all), for <paramref name="count"/> requests (or until <see cref="Reset"/>), optionally only for paths with a prefix.
    /// The body's error is <paramref name="error"/>, by default code <paramref name="statusCode"/>×100 (e.g. a 401 with
    /// 40142 makes a client renew its token and retry, RSC10).</summary>
    public void FailRestRequests(int statusCode, int? count = null, IPAddress? address = null, string? pathPrefix = null, EmulatorError? error = null)
    {
        if (statusCode is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "Use a 4xx or 5xx status.");
        }

        _server.Faults.AddRestFault(address?.ToString(), statusCode, count, pathPrefix, error);
    }

    /// <summary>
    /// Makes realtime connection attempts fail, on one listen address (or all), for <paramref name="count"/> attempts (or until
    /// <see cref="Reset"/>). With no <paramref name="error"/> the TCP connection is dropped before the WebSocket upgrade (an
    /// unreachable host); with one, the client gets DISCONNECTED with that error and the socket closes (RTN14d retry).
    /// Combine with a short <see cref="EmulatorOptions.ConnectionStateTtl"/> to drive clients into SUSPENDED (RTN14e).
    /// </summary>
    public void FailConnectionAttempts(int? count = null, EmulatorError? error = null, IPAddress? address = null) =>
        _server.Faults.AddConnectFault(address?.ToString(), count, error);

    /// <summary>Drops every open transport abruptly (all stay resumable). Returns how many were dropped.</summary>
    public int DropAllConnections()
    {
        var transports = _server.Sessions.All.Select(s => s.Transport).OfType<Internal.Realtime.IServerTransport>().ToList();
        foreach (var t in transports)
        {
            t.Abort();
        }

        return transports.Count;
    }

    /// <summary>
    /// Holds the handling of the frames the server reads from the connection from now on, on this transport and on any
    /// that a resume gives the connection later, until the returned hold releases them (see
    /// <see cref="EmulatorInboundHold"/>) or <see cref="Reset"/>. Null for an unknown connection. In process only (no HTTP
    /// route): the test that holds the frames releases them.
    /// </summary>
    public EmulatorInboundHold? HoldInboundFrames(string connectionId) =>
        _server.Sessions.Find(connectionId) is null ? null : _server.Faults.HoldInbound(connectionId);

    /// <summary>
    /// A latency spike on one WebSocket connection: the frames the server sends it during the next
    /// <paramref name="duration"/> are held and then delivered late, in order, with nothing lost (a congested network,
    /// unlike <see cref="SetSilent"/>). Keep it under the client's idle timeout to model latency rather than an outage.
    /// False for an unknown connection or one on the in-memory host.
    /// </summary>
    public bool DelayFrames(string connectionId, TimeSpan duration) =>
        _server.Sessions.Find(connectionId)?.Transport is Internal.Realtime.WsTransport ws && Hold(ws, duration);

    /// <summary>
    /// A server restart that loses all state: every connection is dropped abruptly and forgotten (each resume fails with
    /// 80008), and every channel of every app is forgotten with its history, presence, serials and idempotency window.
    /// Apps, keys and issued tokens survive, as the configuration and credentials of a restarted server do. Returns the
    /// number of connections dropped.
    /// </summary>
    public int Restart()
    {
        var sessions = _server.Sessions.All.ToList();
        foreach (var session in sessions)
        {
            _server.Sessions.Remove(session);
            session.Transport?.Abort();
        }

        foreach (var app in _server.Apps)
        {
            app.ForgetChannels();
        }

        return sessions.Count;
    }

    private static bool Hold(Internal.Realtime.WsTransport transport, TimeSpan duration)
    {
        transport.Hold(duration);
        return true;
    }

    /// <summary>Expires a token now: REST requests with it get 40142, and connections using it get DISCONNECTED 40142 (RTN15h).
    /// Returns the number of connections disconnected, or -1 if the token is unknown.</summary>
    public int ExpireToken(string token)
    {
        var info = _server.Tokens.Find(token);
        if (info is null)
        {
            return -1;
        }

        info.Expires = Math.Min(info.Expires, _server.NowMs);
        var sessions = _server.Sessions.All.Where(s => ReferenceEquals(s.Auth.Token, info)).ToList();
        foreach (var s in sessions)
        {
            s.OnTokenExpired();
        }

        return sessions.Count;
    }

    /// <summary>Expires the token the connection authenticated with (see <see cref="ExpireToken"/>); false if it used a key.</summary>
    public bool ExpireConnectionToken(string connectionId) =>
        _server.Sessions.Find(connectionId)?.Auth.Token is { } token && ExpireToken(token.Token) >= 0;

    /// <summary>Clears every armed fault (NACKs, delays, REST errors, connection-attempt failures). Silenced connections stay silent.</summary>
    public void Reset() => _server.Faults.Reset();

    private static void ValidateCount(int? count)
    {
        if (count is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "Use a positive count, or null for every frame until Reset.");
        }
    }

    private static Newtonsoft.Json.Linq.JObject ParseFrame(string json, string parameter)
    {
        ArgumentNullException.ThrowIfNull(json, parameter);
        Newtonsoft.Json.Linq.JToken? parsed;
        try
        {
            parsed = JsonTree.Read(json);
        }
        catch (Exception ex) when (ex is Newtonsoft.Json.JsonException or Internal.Protocol.AblyException)
        {
            throw new ArgumentException("Not a JSON ProtocolMessage: " + ex.Message, parameter, ex);
        }

        return parsed is Newtonsoft.Json.Linq.JObject { } message && message.Value<int?>("action") is not null
            ? message
            : throw new ArgumentException("A ProtocolMessage is a JSON object with a numeric action.", parameter);
    }

    private bool WithSession(string connectionId, Action<Session> action)
    {
        var session = _server.Sessions.Find(connectionId);
        if (session is null)
        {
            return false;
        }

        action(session);
        return true;
    }

    private bool WithTransport(string connectionId, Action<Session, Internal.Realtime.IServerTransport> action)
    {
        var session = _server.Sessions.Find(connectionId);
        if (session?.Transport is not { } transport)
        {
            return false;
        }

        action(session, transport);
        return true;
    }
}
