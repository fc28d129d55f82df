using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Reactive.Concurrency;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Reliably.Rx.Auth;
using Reliably.Rx.Hosts;
using Reliably.Rx.Randomness;
using Reliably.Rx.Security;

namespace Reliably.Rx.Http;

/// <summary>
/// Sends REST requests over one <see cref="HttpClient"/> (owned, disposed with the client): builds the URI for each
/// host in the <see cref="HostSelector"/> plan, adds the Ably headers (RSC7, RSC8, RSA7e2), applies the request
/// timeout and falls back to other hosts on qualifying failures (RSC15). It does not authenticate by itself: the
/// caller passes the credentials for the attempt.
/// </summary>
internal sealed class RestHttp : IDisposable
{
    private readonly HttpClient _client;
    private readonly ClientOptions _options;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly string _agent;
    private readonly CancellationTokenSource _disposed = new();

    public RestHttp(ClientOptions options, HostSelector hosts, RestCodecs codecs, IScheduler scheduler, ILogger logger)
    {
        _options = options;
        Hosts = hosts;
        Codecs = codecs;
        _scheduler = scheduler;
        _logger = logger;
        _agent = AblyHeaders.Agent(options.Agents);
        var handler = options.HttpMessageHandlerFactory?.Invoke() ?? new SocketsHttpHandler
        {
            // TO3l3: the time to open a connection is bounded separately from the whole request.
            ConnectTimeout = options.HttpOpenTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
            SslOptions = { RemoteCertificateValidationCallback = ServerCertificateTrust.Callback(options) },

            // Null keeps the system proxy (HttpClient.DefaultProxy).
            Proxy = options.Proxy,
        };

        // Each attempt has its own timeout (RSC15l2) so the client-wide one is off.
        // A page is at most 1000 messages of 64 KiB; anything far larger is not an Ably answer and must not exhaust memory.
        _client = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            MaxResponseContentBufferSize = 128L * 1024 * 1024,
        };
    }

    public HostSelector Hosts { get; }

    public RestCodecs Codecs { get; }

    public IScheduler Scheduler => _scheduler;

    public ClientOptions Options => _options;

    /// <summary>The client's random source (request ids, nonces, idempotent ids, host order).</summary>
    public RandomSource Random { get; init; } = RandomSource.Default;

    /// <summary>
    /// Sends <paramref name="request"/> to the primary host (or the preferred fallback) and, on a qualifying failure,
    /// to fallback hosts (RSC15). Returns the response of the last host tried, whatever its status; throws
    /// <see cref="AblyException"/> only when no host answered at all.
    /// </summary>
    public async Task<RestResponse> SendAsync(RestRequest request, AuthCredentials? credentials, CancellationToken cancellationToken)
    {
        // RSC7c: every request to Ably, unauthenticated ones (time) included; fallback attempts below share the id.
        request = WithRequestId(request);
        var plan = Hosts.GetPlan();
        var started = _scheduler.Now;
        RestResponse? lastResponse = null;
        AblyException? lastError = null;
        var attempts = 0;
        foreach (var host in plan.Hosts)
        {
            if (attempts > 0)
            {
                // RSC15a: at most httpMaxRetryCount fallbacks, within httpMaxRetryDuration of the first attempt.
                var reason = lastResponse is not null ? $"HTTP {(int)lastResponse.StatusCode}" : lastError?.ErrorInfo.Message ?? "error";
                if (attempts > _options.HttpMaxRetryCount || _scheduler.Now - started >= _options.HttpMaxRetryDuration)
                {
                    RestLog.FallbackExhausted(_logger, request.Method.Method, request.Path, attempts, reason);
                    break;
                }

                RestLog.TryingNextHost(_logger, request.Method.Method, request.Path, plan.Hosts[attempts - 1], reason);
            }

            attempts++;
            try
            {
                var response = await SendOnceAsync(request, host, credentials, cancellationToken).ConfigureAwait(false);
                if (IsQualifyingFailure(response))
                {
                    Hosts.RecordFailure(host);
                    lastResponse = response;
                    lastError = null;
                    continue;
                }

                Hosts.RecordSuccess(host, plan);
                return response;
            }
            catch (AblyException ex) when (!cancellationToken.IsCancellationRequested && !IsDisposed)
            {
                // RSC15l1/l2: unreachable host or timeout.
                Hosts.RecordFailure(host);
                lastError = ex;
                lastResponse = null;
            }
        }

        return lastResponse ?? throw lastError!;
    }

    /// <summary>Sends a request to an absolute URI outside Ably (authUrl, RSA8c): no fallback, no Ably credentials.</summary>
    public async Task<RestResponse> SendToUriAsync(HttpRequestMessage message, CancellationToken cancellationToken)
    {
        var host = message.RequestUri?.Host ?? "authUrl";
        using var timeout = LinkedTimeout(cancellationToken);
        try
        {
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            return await RestResponse.ReadAsync(response, host, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDisposed && ex is OperationCanceledException or ObjectDisposedException or HttpRequestException)
        {
            throw Disposed(ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw RestErrors.Timeout(host, ex);
        }
        catch (HttpRequestException ex)
        {
            throw RestErrors.ConnectionFailed(host, ex);
        }
    }

    /// <summary>RSC15l: 500-504, or a CloudFront error (status ≥ 400 with <c>Server: CloudFront</c>).</summary>
    public static bool IsQualifyingFailure(RestResponse response)
    {
        var status = (int)response.StatusCode;
        if (status is >= 500 and <= 504)
        {
            return true;
        }

        return status >= 400 && response.Header("Server") is { } server && server.Contains("CloudFront", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Cancels requests in flight (they fail with an AblyException) and releases the HTTP client.</summary>
    public void Dispose()
    {
        if (!_disposed.IsCancellationRequested)
        {
            _disposed.Cancel();
            _client.Dispose();
        }
    }

    private async Task<RestResponse> SendOnceAsync(RestRequest request, string host, AuthCredentials? credentials, CancellationToken cancellationToken)
    {
        using var message = BuildMessage(request, host, credentials);
        RestLog.Sending(_logger, request.Method.Method, request.Path, host);
        using var timeout = LinkedTimeout(cancellationToken);
        try
        {
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            return await RestResponse.ReadAsync(response, host, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsDisposed && ex is OperationCanceledException or ObjectDisposedException or HttpRequestException)
        {
            throw Disposed(ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw RestErrors.Timeout(host, ex);
        }
        catch (HttpRequestException ex)
        {
            throw RestErrors.ConnectionFailed(host, ex);
        }
    }

    /// <summary>The connectivity check URL used when <see cref="ClientOptions.ConnectivityCheckUrl"/> is not set (REC3a).</summary>
    public const string DefaultConnectivityCheckUrl = "https://internet-up.ably-realtime.com/is-the-internet-up.txt";

    /// <summary>
    /// REC3, RTN17j: a GET of the connectivity check URL, bounded by httpRequestTimeout. The default URL must answer 2xx
    /// with a body of <c>yes</c>; a custom URL (REC3b) any 2xx. Never throws: every failure is "not reachable".
    /// </summary>
    public async Task<bool> CheckConnectivityAsync(CancellationToken cancellationToken)
    {
        var custom = _options.ConnectivityCheckUrl;
        try
        {
            using var linked = LinkedTimeout(cancellationToken);
            using var response = await _client.GetAsync(custom ?? DefaultConnectivityCheckUrl, linked.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return false;
            }

            if (custom is not null)
            {
                return true;
            }

            var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            return body.Trim() == "yes";
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or AblyException or InvalidOperationException or UriFormatException)
        {
            return false;
        }
    }

    // The CTS is never disposed (it has no timer), so reading it after Dispose is safe.
    private bool IsDisposed => _disposed.IsCancellationRequested;

    private static AblyException Disposed(Exception inner) =>
        new(ErrorCodes.ConnectionClosed, 400, "The REST client was disposed while the request was in flight.", inner);

    private AttemptTimeout LinkedTimeout(CancellationToken cancellationToken)
    {
        if (IsDisposed)
        {
            throw Disposed(new ObjectDisposedException(nameof(RestHttp)));
        }

        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposed.Token);
        if (_options.Scheduler is null)
        {
            linked.CancelAfter(_options.HttpRequestTimeout);
            return new AttemptTimeout(linked, null);
        }

        // With a scheduler of the caller's (a TestScheduler in virtual-time tests), it is the timeout's clock too.
        return new AttemptTimeout(linked, _scheduler.Schedule(linked, _options.HttpRequestTimeout, static (_, cts) =>
        {
            try
            {
                cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The attempt ended first.
            }

            return System.Reactive.Disposables.Disposable.Empty;
        }));
    }

    /// <summary>The cancellation of one HTTP attempt: the caller's token, the client's disposal, or httpRequestTimeout (TO3l4).</summary>
    private sealed class AttemptTimeout(CancellationTokenSource source, IDisposable? timer) : IDisposable
    {
        public CancellationToken Token => source.Token;

        public void Dispose()
        {
            timer?.Dispose();
            source.Dispose();
        }
    }

    private HttpRequestMessage BuildMessage(RestRequest request, string host, AuthCredentials? credentials)
    {
        var message = new HttpRequestMessage(request.Method, BuildUri(request, host));
        var codec = Codecs.For(request.Format);
        if (request.Headers is not null)
        {
            foreach (var (name, value) in request.Headers)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        message.Headers.Remove("Accept");
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(codec.ContentType));
        SetHeader(message, AblyHeaders.VersionHeader, request.ProtocolVersion ?? AblyHeaders.ProtocolVersion);
        SetHeader(message, AblyHeaders.AgentHeader, _agent);
        if (request.Authenticated && credentials is not null)
        {
            message.Headers.Remove("Authorization");
            message.Headers.TryAddWithoutValidation("Authorization", AblyHeaders.Authorization(credentials));
            if (credentials.IsBasic && _options.ClientId is { } clientId)
            {
                // RSA7e2: with Basic auth the server learns the clientId only from this header.
                SetHeader(message, AblyHeaders.ClientIdHeader, Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId)));
            }
        }

        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(codec.ContentType);
        }

        return message;
    }

    private Uri BuildUri(RestRequest request, string host)
    {
        var scheme = _options.Tls ? "https" : "http";
        var port = _options.Tls ? _options.TlsPort : _options.Port;
        var hostPart = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? "[" + host + "]" : host;
        var builder = new StringBuilder();
        builder.Append(scheme).Append("://").Append(hostPart).Append(':').Append(port.ToString(CultureInfo.InvariantCulture)).Append(request.Path);
        var first = true;
        foreach (var (name, value) in request.Query)
        {
            builder.Append(first ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        return new Uri(builder.ToString(), UriKind.Absolute);
    }

    private static void SetHeader(HttpRequestMessage message, string name, string value)
    {
        message.Headers.Remove(name);
        message.Headers.TryAddWithoutValidation(name, value);
    }

    /// <summary>
    /// The request with a random <c>request_id</c> query parameter when <see cref="ClientOptions.AddRequestIds"/> is set
    /// and it has none yet (RSC7c): url-safe base64 of 12 bytes.
    /// </summary>
    public RestRequest WithRequestId(RestRequest request) =>
        _options.AddRequestIds && !request.Query.Any(kv => kv.Key == "request_id")
            ? request with { Query = request.Query.Append(new("request_id", Random.UrlSafeId(12))).ToArray() }
            : request;
}
