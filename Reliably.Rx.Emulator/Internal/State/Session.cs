using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Auth;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.Realtime;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// A realtime connection's server-side state. It outlives its transport: after an abrupt drop it is kept for
/// connectionStateTtl so a resume (RTN15c) can continue it. Frames from one transport are handled sequentially by
/// its receive loop; fault injection and timers may touch the session from other threads, hence <see cref="_gate"/>.
/// </summary>
internal sealed partial class Session
{
    private const int AckMemory = 4096;

    /// <summary>How long before a token's expiry the server sends AUTH (RTN22), as the real service does.</summary>
    private static readonly TimeSpan RenewalLead = TimeSpan.FromSeconds(30);
    private readonly object _gate = new();
    private readonly Dictionary<string, Attachment> _attachments = new(StringComparer.Ordinal);
    private readonly HashSet<string> _everAttached = new(StringComparer.Ordinal);
    private readonly ReplyMemory _replies = new(AckMemory);
    private readonly HashSet<string> _issuedKeys = new(StringComparer.Ordinal);
    private volatile IServerTransport? _transport;
    private ITimer? _leaveTimer;
    private ITimer? _ttlTimer;
    private ITimer? _tokenTimer;
    private ITimer? _renewTimer;

    public Session(EmulatorServer server, AuthContext auth, bool echo)
    {
        Server = server;
        Id = Ids.Alnum(10);
        Frames = new FrameLog(server.Options.FrameLogLimit);
        Key = NewKey();
        _issuedKeys.Add(Key);
        Auth = auth;
        Echo = echo;
        ScheduleTokenExpiry();
    }

    public string Id { get; }

    /// <summary>Frames seen on this connection, both directions (bounded).</summary>
    public FrameLog Frames { get; }

    /// <summary>The current connectionKey; a new one is issued on every resume.</summary>
    public string Key { get; private set; }

    public AuthContext Auth { get; private set; }

    public EmulatorApp App => Auth.App;

    public bool Echo { get; private set; }

    public EmulatorServer Server { get; }

    private Ids Ids => Server.Ids;

    /// <summary>True once this session has been resumed or recovered: channel continuity may then be granted.</summary>
    public bool Continued { get; private set; }

    public bool Discarded { get; private set; }

    public IServerTransport? Transport => _transport;

    /// <summary>The wire format of the most recent transport (kept while awaiting a resume).</summary>
    public Protocol.WireFormat LastFormat { get; private set; }

    public void Send(OutgoingFrame frame) => _transport?.Enqueue(frame);

    public void Send(JObject message) => Send(new OutgoingFrame(message));

    public IReadOnlyList<string> AttachedChannels()
    {
        lock (_gate)
        {
            return _attachments.Keys.ToList();
        }
    }

    public Attachment? FindAttachment(string channel)
    {
        lock (_gate)
        {
            return _attachments.GetValueOrDefault(channel);
        }
    }

    /// <summary>
    /// True for any key issued to this connection: a recovery key (RTN16) may carry a key older than the latest resume.
    /// </summary>
    public bool OwnsKey(string key)
    {
        lock (_gate)
        {
            return _issuedKeys.Contains(key);
        }
    }

    /// <summary>Takes the credentials of a resuming transport (a renewed token, RTN15h2).</summary>
    public void AdoptAuth(Auth.AuthContext auth)
    {
        lock (_gate)
        {
            Auth = auth;
            ScheduleTokenExpiry();
        }
    }

    /// <summary>Binds a (new) transport and sends CONNECTED (RTN15c: same id, new key on resume).</summary>
    public void Connect(IServerTransport transport, bool echo, JObject? error, bool continued)
    {
        IServerTransport? old;
        List<Attachment> bound;
        lock (_gate)
        {
            old = _transport;
            bound = _attachments.Values.ToList();

            // Nothing is delivered while the transport is being switched, so CONNECTED is the new transport's first frame.
            _transport = null;
            Echo = echo;
            if (continued)
            {
                Continued = true;
                Key = NewKey();
                _issuedKeys.Add(Key);
            }

            _leaveTimer?.Dispose();
            _leaveTimer = null;
            _ttlTimer?.Dispose();
            _ttlTimer = null;
        }

        // A resume can arrive before the server noticed the old transport died; retire it quietly. Its channel
        // subscriptions end too: the client re-attaches with its channelSerials and gets the gap replayed.
        if (old is not null && !ReferenceEquals(old, transport))
        {
            DetachFromChannels(bound);
            old.Abort();
        }

        transport.OnSent = frame => Frames.RecordOutbound(Server.Time.GetUtcNow(), frame);
        transport.Enqueue(new OutgoingFrame(BuildConnected(error)));
        Hosting.EmulatorLog.Connected(Server.Logger, Id, transport.Format.ToString(), Auth.ClientId,
            continued ? "resumed" : error is null ? "new" : "new after failed resume " + error.Value<int>("code"));
        lock (_gate)
        {
            _transport = transport;
            LastFormat = transport.Format;
        }
    }

    public JObject BuildConnected(JObject? error)
    {
        var options = Server.Options;
        var details = new JObject
        {
            ["clientId"] = Auth.ClientId is null ? JValue.CreateNull() : Auth.ClientId,
            ["connectionKey"] = Key,
            ["maxMessageSize"] = options.MaxMessageSize,
            ["maxInboundRate"] = 250,
            ["maxOutboundRate"] = 100,
            ["maxFrameSize"] = options.MaxFrameSize,
            ["serverId"] = options.ServerId,
            ["connectionStateTtl"] = (long)options.ConnectionStateTtl.TotalMilliseconds,
            ["maxIdleInterval"] = (long)options.MaxIdleInterval.TotalMilliseconds,
        };
        var connected = new JObject
        {
            ["action"] = Actions.Connected,
            ["connectionId"] = Id,
            ["connectionKey"] = Key,
            ["connectionDetails"] = details,
        };
        if (error is not null)
        {
            connected["error"] = error;
        }

        return connected;
    }

    /// <summary>
    /// The transport went away without CLOSE. Keep the state for connectionStateTtl (PROTOCOL.md 4.6); presence members
    /// leave after the configured delay unless the connection is resumed first.
    /// </summary>
    public void OnTransportLost(IServerTransport transport)
    {
        List<Attachment> bound;
        lock (_gate)
        {
            if (!ReferenceEquals(_transport, transport) || Discarded)
            {
                return;
            }

            _transport = null;
            bound = _attachments.Values.ToList();
            var time = Server.Time;
            _leaveTimer?.Dispose();
            _leaveTimer = time.CreateTimer(_ => LeaveAllPresence(), null, Server.Options.PresenceLeaveDelay, Timeout.InfiniteTimeSpan);
            _ttlTimer?.Dispose();
            _ttlTimer = time.CreateTimer(_ => Discard(), null, Server.Options.ConnectionStateTtl, Timeout.InfiniteTimeSpan);
        }

        Hosting.EmulatorLog.TransportLost(Server.Logger, Id, Server.Options.ConnectionStateTtl);

        // Until the client re-attaches after a resume, nothing is delivered; the re-ATTACH replays the gap. Only the
        // attachments of the lost transport end: a resume may already have bound a new transport and re-attached (this
        // thread can be preempted after the lock), and those new attachments must keep receiving.
        DetachFromChannels(bound);
    }

    /// <summary>Ends the session: members leave, it can no longer be resumed, the transport (if any) is closed.</summary>
    public void Discard(bool closeTransport = true)
    {
        IServerTransport? transport;
        lock (_gate)
        {
            if (Discarded)
            {
                return;
            }

            Discarded = true;
            transport = _transport;
            _transport = null;
            _leaveTimer?.Dispose();
            _ttlTimer?.Dispose();
            _tokenTimer?.Dispose();
            _renewTimer?.Dispose();
        }

        Server.Sessions.Remove(this);
        Hosting.EmulatorLog.Discarded(Server.Logger, Id);
        LeaveAllPresence();
        DetachAllFromChannels();
        lock (_gate)
        {
            _attachments.Clear();
        }

        if (closeTransport)
        {
            transport?.EndAfterFlush();
        }
    }

    /// <summary>Server-initiated DISCONNECTED then close; the session stays resumable (RTN15h).</summary>
    public void DisconnectTransport(JObject error)
    {
        var transport = _transport;
        if (transport is null)
        {
            return;
        }

        transport.Enqueue(new OutgoingFrame(new JObject { ["action"] = Actions.Disconnected, ["error"] = error }));
        transport.EndAfterFlush();
    }

    /// <summary>Fatal connection ERROR (no channel): the connection fails and its state is discarded.</summary>
    public void Fail(JObject error)
    {
        Send(new JObject { ["action"] = Actions.Error, ["error"] = error });
        Discard();
    }

    public void LeaveAllPresence()
    {
        foreach (var channel in App.Channels)
        {
            channel.LeaveConnection(Id);
        }
    }

    private void DetachAllFromChannels()
    {
        List<Attachment> attachments;
        lock (_gate)
        {
            attachments = _attachments.Values.ToList();
        }

        foreach (var a in attachments)
        {
            a.Channel.RemoveSession(this);
        }
    }

    /// <summary>Stops fan-out to exactly these attachments (those bound when a transport went away).</summary>
    private static void DetachFromChannels(List<Attachment> attachments)
    {
        foreach (var a in attachments)
        {
            a.Channel.Detach(a);
        }
    }

    private void ScheduleTokenExpiry()
    {
        _tokenTimer?.Dispose();
        _tokenTimer = null;
        _renewTimer?.Dispose();
        _renewTimer = null;
        if (Auth.Token is not { } token)
        {
            return;
        }

        var remaining = TimeSpan.FromMilliseconds(Math.Max(0, token.Expires - Server.NowMs));
        _tokenTimer = Server.Time.CreateTimer(_ => OnTokenExpired(), null, remaining, Timeout.InfiniteTimeSpan);

        // RTN22: like Ably, ask the client to re-authenticate in band shortly before its token expires, so a client
        // that can renew does so without a disconnection. A token too short-lived for that simply expires (RTN15h).
        if (remaining > RenewalLead)
        {
            _renewTimer = Server.Time.CreateTimer(_ => Send(new JObject { ["action"] = Actions.Auth }), null, remaining - RenewalLead, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>When the token expires Ably sends DISCONNECTED 40142 and closes (RTN15h2 / PROTOCOL.md 4.8).</summary>
    public void OnTokenExpired()
    {
        if (Auth.Token is { } token && token.Expires > Server.NowMs)
        {
            ScheduleTokenExpiry();
            return;
        }

        DisconnectTransport(ErrorInfo.TokenExpired().ToErrorInfo());
    }

    private string NewKey() => ConnectionKeys.Issue(Server.ConnectionKeySecret, Id, Ids.Alnum(12));
}
