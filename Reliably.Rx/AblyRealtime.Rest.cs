using Newtonsoft.Json.Linq;

namespace Reliably.Rx;

/// <summary>
/// The realtime client's own shortcuts (RTC15, RTC16, RTC17) and the REST operations it offers through the REST client
/// it wraps (RTC5, RTC6, RTC9): the same requests, auth, hosts and errors as <see cref="AblyRest"/>.
/// </summary>
public sealed partial class AblyRealtime
{
    /// <summary>The clientId of this client, the same as <c>Auth.ClientId</c> (RTC17).</summary>
    public string? ClientId => Auth.ClientId;

    /// <summary>Connects, as <see cref="Connection.Connect"/> does (RTC15a).</summary>
    public void Connect() => Connection.Connect();

    /// <summary>Closes the connection, as <see cref="Connection.CloseAsync"/> does (RTC16a); the client stays usable and can connect again.</summary>
    /// <param name="cancellationToken">Stops waiting; the close itself goes on.</param>
    public Task CloseAsync(CancellationToken cancellationToken = default) => Connection.CloseAsync(cancellationToken);

    /// <summary>Application statistics, one page at a time, as <see cref="AblyRest.StatsAsync"/> (RTC5a, RTC5b).</summary>
    /// <param name="query">Interval, unit, order and page size; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an invalid query; the server's error otherwise.</exception>
    public Task<PaginatedResult<Stats>> StatsAsync(StatsQuery? query = null, CancellationToken cancellationToken = default) =>
        Rest.StatsAsync(query, cancellationToken);

    /// <summary>The server's time, as <see cref="AblyRest.TimeAsync"/> (RTC6a). Sent without credentials.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">When no host answers or the reply is not a time.</exception>
    public Task<DateTimeOffset> TimeAsync(CancellationToken cancellationToken = default) => Rest.TimeAsync(cancellationToken);

    /// <summary>
    /// Sends any request to the Ably REST API with this client's auth, headers and fallback hosts, as
    /// <see cref="AblyRest.RequestAsync"/> (RTC9). HTTP errors do not throw: the result says
    /// <see cref="HttpPaginatedResponse.Success"/>, the status and the Ably error.
    /// </summary>
    /// <param name="method">GET, POST, PUT, PATCH or DELETE.</param>
    /// <param name="path">The path, for example <c>/channels/a/messages</c>; not a full URL.</param>
    /// <param name="parameters">Query parameters.</param>
    /// <param name="body">A JSON body, sent in the configured format.</param>
    /// <param name="headers">Extra headers; they cannot replace the auth or Ably headers.</param>
    /// <param name="version">The X-Ably-Version to send; null for this library's protocol version.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an invalid method or path; auth errors; no host reachable.</exception>
    public Task<HttpPaginatedResponse> RequestAsync(
        HttpMethod method,
        string path,
        IReadOnlyDictionary<string, string>? parameters = null,
        JToken? body = null,
        IReadOnlyDictionary<string, string>? headers = null,
        int? version = null,
        CancellationToken cancellationToken = default) =>
        Rest.RequestAsync(method, path, parameters, body, headers, version, cancellationToken);
}
