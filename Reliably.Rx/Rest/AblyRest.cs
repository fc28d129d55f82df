using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Auth;
using Reliably.Rx.Hosts;
using Reliably.Rx.Http;
using Reliably.Rx.Randomness;
using Reliably.Rx.Rest;
using Reliably.Rx.Serialization;

namespace Reliably.Rx;

/// <summary>
/// The Ably REST client (RSC): publish, history, presence, channel status, stats, time, batch publish and generic
/// requests over HTTP, with Basic or token auth and fallback hosts. Thread-safe; one instance per application or
/// per identity is enough. Owns one <see cref="HttpClient"/>, released by <see cref="Dispose"/>; a handler supplied by
/// <see cref="ClientOptions.HttpMessageHandlerFactory"/> is owned by the client too and disposed with it, so the factory
/// should create a new handler per call.
/// </summary>
public sealed partial class AblyRest : IAsyncDisposable, IDisposable
{
    private readonly RestHttp _http;
    private int _disposed;

    /// <summary>Creates a client from an API key (<c>appId.keyId:secret</c>) or a token string (RSC1).</summary>
    /// <exception cref="AblyException">40106 for an empty string; see <see cref="AblyRest(ClientOptions)"/>.</exception>
    public AblyRest(string keyOrToken)
        : this(string.IsNullOrWhiteSpace(keyOrToken)
            ? throw new AblyException(ErrorCodes.NoAuthMeans, 401, "A key or token is required.")
            : new ClientOptions(keyOrToken))
    {
    }

    /// <summary>Creates a client from options, validating them first.</summary>
    /// <exception cref="AblyException">
    /// 40005 for a malformed key; 40106 without any means of authentication; 40012 for the clientId <c>*</c>;
    /// 40102 when tokenDetails are bound to another clientId; 40103 for Basic auth without TLS (unless
    /// <see cref="ClientOptions.AllowInsecureBasicAuth"/>); 40003 for other invalid values.
    /// </exception>
    public AblyRest(ClientOptions options)
        : this(options, codecs: null, random: null)
    {
    }

    internal AblyRest(ClientOptions options, RestCodecs? codecs, Random? random)
    {
        Options = options ?? throw new AblyException(ErrorCodes.NoAuthMeans, 401, "ClientOptions are required.");
        ClientOptionsValidator.Validate(options);
        AblyAuth.Validate(options);
        var scheduler = options.Scheduler ?? Scheduler.Default;
        var logger = (ILogger?)options.LoggerFactory?.CreateLogger("Reliably.Rx.Rest") ?? NullLogger.Instance;
        var hosts = HostSelector.FromOptions(options, scheduler, random);
        _http = new RestHttp(options, hosts, codecs ?? new RestCodecs(ProtocolCodecs.Json, ProtocolCodecs.MsgPack), scheduler, logger)
        {
            Random = new RandomSource(random ?? options.Random),
        };
        Auth = new AblyAuth(options, _http, logger);
        Pipeline = new RestPipeline(_http, Auth, logger);
        Channels = new RestChannels(this);
        RestLog.Created(logger, hosts.PrimaryHost, options.UseBinaryProtocol ? "msgpack" : "json", Auth.IsBasicAuth ? "basic" : "token");
    }

    /// <summary>The options the client was created with.</summary>
    public ClientOptions Options { get; }

    /// <summary>The clientId of this client, the same as <c>Auth.ClientId</c> (RSC17).</summary>
    public string? ClientId => Auth.ClientId;

    /// <summary>Authentication: tokens, token requests, authorize (RSA).</summary>
    public AblyAuth Auth { get; }

    /// <summary>The channels of this client (RSN).</summary>
    public RestChannels Channels { get; }

    internal RestPipeline Pipeline { get; }

    internal WireFormat Format => Options.UseBinaryProtocol ? WireFormat.MsgPack : WireFormat.Json;

    internal HostSelector Hosts => _http.Hosts;

    /// <summary>The client's random source (ClientOptions.Random, or the defaults).</summary>
    internal RandomSource Random => _http.Random;

    /// <summary>REC3: whether the connectivity check URL answers as expected; never throws.</summary>
    internal Task<bool> CheckConnectivityAsync(CancellationToken cancellationToken) => _http.CheckConnectivityAsync(cancellationToken);

    /// <summary>The server's time (RSC16). Sent without credentials.</summary>
    /// <exception cref="AblyException">When no host answers or the reply is not a time.</exception>
    public Task<DateTimeOffset> TimeAsync(CancellationToken cancellationToken = default) =>
        Reported.Run(() => TimeAsyncCore(cancellationToken));

    private Task<DateTimeOffset> TimeAsyncCore(CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        return AblyAuth.FetchServerTimeAsync(_http, cancellationToken);
    }

    /// <summary>Releases the HTTP client. Requests in flight are cancelled.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _http.Dispose();
        }
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            // The same error as every operation of a disposed realtime client: closed (docs/delivery-guarantees.md).
            throw new AblyException(ErrorCodes.ConnectionClosed, 400, "This AblyRest client has been disposed.");
        }
    }
}
