using System.Reactive.Concurrency;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Testing.Internal;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Testing;

/// <summary>
/// A server the test plays, frame by frame, for protocol-level tests: it sees each realtime connection attempt (with its
/// URL and query parameters) and each frame the client sends, answers with frames of its choosing, refuses or drops
/// connections, and answers each HTTP request, all on the test's scheduler. This is the mock WebSocket, mock HTTP
/// client and fake timers that Ably's portable test specs assume (ably/specification, uts/).
/// </summary>
/// <remarks>
/// <para>Two ways to script it, as in those specs: handlers (<see cref="OnConnectionAttempt"/>,
/// <see cref="OnFrameFromClient"/>, <see cref="OnHttpRequest"/>) for answers known in advance, or the "next" methods
/// (<see cref="NextConnectionAttempt"/>, <see cref="NextFrameFromClient"/>, <see cref="NextHttpRequest"/>), which advance
/// a <see cref="TestScheduler"/> until the next event and return it.</para>
/// <para>Frames are encoded and decoded by the server-side codec, which shares no code with the client's. An attempt or a
/// request that the test never answers is a timeout: the client's own timer (on its scheduler) ends it.</para>
/// </remarks>
public sealed class ScriptedAbly
{
    private readonly List<ScriptedConnection> _connections = new();
    private readonly List<ScriptedHttpRequest> _requests = new();
    private readonly List<ScriptedEvent> _events = new();
    private readonly Random _clientSeeds;
    private int _connectionCursor;
    private int _requestCursor;
    private int _frameCursor;

    /// <summary>Creates a scripted server on <paramref name="scheduler"/>.</summary>
    /// <param name="scheduler">The only clock (typically the test's <see cref="TestScheduler"/>).</param>
    /// <param name="seed">The seed of the clients' random choices (jitter, host order, ids).</param>
    public ScriptedAbly(IScheduler scheduler, int seed = 0)
    {
        Scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _clientSeeds = new Random(seed);
    }

    /// <summary>The scheduler that carries every event.</summary>
    public IScheduler Scheduler { get; }

    /// <summary>The one-way network latency of every event; zero still costs one scheduler step.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Called for each connection attempt as it reaches the server; it may answer it at once.</summary>
    public Action<ScriptedConnection>? OnConnectionAttempt { get; set; }

    /// <summary>Called for each frame a client sends, as it reaches the server.</summary>
    public Action<ScriptedConnection, ProtocolFrame>? OnFrameFromClient { get; set; }

    /// <summary>Called for each HTTP request as it reaches the server; it may answer it at once.</summary>
    public Action<ScriptedHttpRequest>? OnHttpRequest { get; set; }

    /// <summary>Every connection attempt, in the order they reached the server.</summary>
    public IReadOnlyList<ScriptedConnection> Connections => _connections;

    /// <summary>The latest connection attempt, or null.</summary>
    public ScriptedConnection? LastConnection => _connections.Count == 0 ? null : _connections[^1];

    /// <summary>Every HTTP request, in the order they reached the server.</summary>
    public IReadOnlyList<ScriptedHttpRequest> HttpRequests => _requests;

    /// <summary>Everything that happened, in order, with scheduler times: one timeline across connections and requests.</summary>
    public IReadOnlyList<ScriptedEvent> Events => _events;

    /// <summary>
    /// Client options that reach this server: the key, the scheduler, the scripted realtime and REST transports and a
    /// seeded <see cref="ClientOptions.Random"/>. Everything else is the library's default (Ably's endpoint and fallback
    /// hosts, TLS, msgpack).
    /// </summary>
    /// <param name="key">The API key the client uses.</param>
    public ClientOptions CreateOptions(string key = "appId.keyId:keySecret") => new()
    {
        Key = key,
        Scheduler = Scheduler,
        TransportFactory = new TransportFactory(this),
        HttpMessageHandlerFactory = () => new ScriptedHttpHandler(this),
        Random = new Random(_clientSeeds.Next()),
    };

    /// <summary>A realtime client of this server.</summary>
    /// <param name="configure">Changes to <see cref="CreateOptions"/>'s options, e.g. <c>o =&gt; o with { AutoConnect = false }</c>.</param>
    public AblyRealtime CreateRealtime(Func<ClientOptions, ClientOptions>? configure = null) =>
        new(configure is null ? CreateOptions() : configure(CreateOptions()));

    /// <summary>A REST client of this server.</summary>
    /// <param name="configure">Changes to <see cref="CreateOptions"/>'s options.</param>
    public AblyRest CreateRest(Func<ClientOptions, ClientOptions>? configure = null) =>
        new(configure is null ? CreateOptions() : configure(CreateOptions()));

    /// <summary>Advances the scheduler until the next connection attempt not yet returned, and returns it.</summary>
    /// <param name="limit">The most virtual time to advance (default 1 minute).</param>
    /// <exception cref="TimeoutException">No attempt within <paramref name="limit"/>.</exception>
    public ScriptedConnection NextConnectionAttempt(TimeSpan? limit = null)
    {
        Advance(() => _connections.Count > _connectionCursor, limit, "connection attempt");
        return _connections[_connectionCursor++];
    }

    /// <summary>
    /// Advances the scheduler until the next frame from a client (after the last one returned) that matches, and returns
    /// it; frames that do not match are passed over.
    /// </summary>
    /// <param name="action">Only frames of this action; null for any.</param>
    /// <param name="connection">Only frames on this connection; null for any.</param>
    /// <param name="limit">The most virtual time to advance (default 1 minute).</param>
    /// <exception cref="TimeoutException">No such frame within <paramref name="limit"/>.</exception>
    public ProtocolFrame NextFrameFromClient(ProtocolAction? action = null, ScriptedConnection? connection = null, TimeSpan? limit = null)
    {
        ProtocolFrame? found = null;
        Advance(
            () =>
            {
                for (; _frameCursor < _events.Count && found is null; _frameCursor++)
                {
                    var e = _events[_frameCursor];
                    if (e.Kind == ScriptedEventKind.FrameFromClient && (action is null || e.Frame!.Action == action)
                        && (connection is null || ReferenceEquals(e.Connection, connection)))
                    {
                        found = e.Frame;
                    }
                }

                return found is not null;
            },
            limit,
            "frame from the client" + (action is null ? string.Empty : " (" + action + ")"));
        return found!;
    }

    /// <summary>Advances the scheduler until the next HTTP request not yet returned, and returns it.</summary>
    /// <param name="limit">The most virtual time to advance (default 1 minute).</param>
    /// <exception cref="TimeoutException">No request within <paramref name="limit"/>.</exception>
    public ScriptedHttpRequest NextHttpRequest(TimeSpan? limit = null)
    {
        Advance(() => _requests.Count > _requestCursor, limit, "HTTP request");
        return _requests[_requestCursor++];
    }

    internal ScriptedConnection OnAttempt(ScriptedConnection.Socket socket)
    {
        var connection = new ScriptedConnection(this, socket, _connections.Count);
        _connections.Add(connection);
        Record(ScriptedEventKind.ConnectionAttempt, connection, null);
        OnConnectionAttempt?.Invoke(connection);
        return connection;
    }

    internal void OnRequest(ScriptedHttpRequest request)
    {
        _requests.Add(request);
        _events.Add(new ScriptedEvent(ScriptedEventKind.HttpRequest, Scheduler.Now, null, null, request));
        OnHttpRequest?.Invoke(request);
    }

    internal void Record(ScriptedEventKind kind, ScriptedConnection connection, ProtocolFrame? frame) =>
        _events.Add(new ScriptedEvent(kind, Scheduler.Now, connection, frame, null));

    private void Advance(Func<bool> condition, TimeSpan? limit, string what)
    {
        if (condition())
        {
            return;
        }

        var scheduler = Scheduler as TestScheduler
            ?? throw new InvalidOperationException("Waiting for the next event needs a TestScheduler; with another scheduler, use the handlers.");
        var span = limit ?? TimeSpan.FromMinutes(1);
        if (!scheduler.AdvanceUntil(condition, span))
        {
            throw new TimeoutException($"No {what} within {span} of virtual time.");
        }
    }

    private sealed class TransportFactory(ScriptedAbly server) : ITransportFactory
    {
        public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener) =>
            new ScriptedConnection.Socket(server, uri, frameKind, listener);
    }
}
