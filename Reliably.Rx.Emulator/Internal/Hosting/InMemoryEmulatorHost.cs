using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Realtime;
using Reliably.Rx.Emulator.Internal.Rest;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Hosting;

/// <summary>
/// The emulator without Kestrel: the same server (apps, keys, tokens, sessions, channels, history, presence, faults, REST
/// routes) reached through in-memory connections and in-memory REST exchanges. Nothing here starts a thread, a socket or
/// a timer of its own: the server's clock and timers are <see cref="EmulatorOptions.TimeProvider"/>, and every frame and
/// response is produced on the caller's thread, so a virtual clock drives everything.
/// </summary>
internal sealed class InMemoryEmulatorHost
{
    private readonly RealtimeConnections _connections;
    private readonly RestRouter _rest;
    private readonly ILogger _logger;

    public InMemoryEmulatorHost(EmulatorOptions options)
    {
        options.Validate();
        Server = new EmulatorServer(options) { Host = "localhost", Port = 443 };
        DefaultApp = Server.CreateApp(new JObject { ["keys"] = new JArray(new JObject()) }, options.DefaultKey);
        Faults = new EmulatorFaults(Server);
        _connections = new RealtimeConnections(Server);
        _rest = new RestRouter(Server);
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<InMemoryEmulatorHost>();
    }

    public EmulatorServer Server { get; }

    /// <summary>The app created at startup, with one key of capability <c>{"*":["*"]}</c>.</summary>
    public EmulatorApp DefaultApp { get; }

    public EmulatorFaults Faults { get; }

    /// <summary>
    /// A realtime connection attempt to <paramref name="uri"/>. Null when an armed fault makes the host unreachable;
    /// otherwise <paramref name="reached"/> has run and the server has answered through <paramref name="link"/>.
    /// </summary>
    public InMemoryServerConnection? Connect(Uri uri, IInMemoryLink link, Action reached) =>
        InMemoryServerConnection.Open(Server, _connections, uri, link, reached, _logger);

    /// <summary>One REST request, answered by the emulator's routes (see <see cref="InMemoryRestExchange"/>).</summary>
    public Task<InMemoryRestResponse> SendAsync(InMemoryRestRequest request) => InMemoryRestExchange.SendAsync(_rest, request, _logger);
}
