namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The proxy log's <c>http_request</c>/<c>http_response</c> events for one client: a handler in front of the client's
/// real HTTP handler (<see cref="ClientOptions.HttpMessageHandlerFactory"/>) that records each exchange. Thread-safe.
/// </summary>
public sealed class HttpLog
{
    private readonly object _gate = new();
    private readonly List<(HttpMethod Method, string Path, int? Status)> _exchanges = new();

    /// <summary>Each request (method and path) with its response's status (null when none arrived), oldest first.</summary>
    public IReadOnlyList<(HttpMethod Method, string Path, int? Status)> Exchanges
    {
        get
        {
            lock (_gate)
            {
                return _exchanges.ToArray();
            }
        }
    }

    /// <summary>A factory for <see cref="ClientOptions.HttpMessageHandlerFactory"/> that records into this log.</summary>
    public Func<HttpMessageHandler> HandlerFactory => () => new Recorder(this);

    private void Add(HttpMethod method, string path, int? status)
    {
        lock (_gate)
        {
            _exchanges.Add((method, path, status));
        }
    }

    private sealed class Recorder(HttpLog log) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri?.AbsolutePath ?? string.Empty;
            try
            {
                var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
                log.Add(request.Method, path, (int)response.StatusCode);
                return response;
            }
            catch
            {
                log.Add(request.Method, path, null);
                throw;
            }
        }
    }
}
