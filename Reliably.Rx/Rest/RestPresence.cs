using Reliably.Rx.Http;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Rest;

namespace Reliably.Rx;

/// <summary>REST presence of a channel (RSP): the current members and the presence history.</summary>
public sealed class RestPresence
{
    private readonly RestChannel _channel;

    internal RestPresence(RestChannel channel) => _channel = channel;

    /// <summary>The channel this presence belongs to.</summary>
    public RestChannel Channel => _channel;

    /// <summary>The members present now, one page at a time (RSP3), decoded with the channel's cipher.</summary>
    /// <param name="limit">Members per page, 1 to 1000; null for the server default of 100.</param>
    /// <param name="clientId">Only members with this clientId.</param>
    /// <param name="connectionId">Only members of this connection.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an invalid limit; the server's error otherwise.</exception>
    public Task<PaginatedResult<PresenceMessage>> GetAsync(int? limit = null, string? clientId = null, string? connectionId = null, CancellationToken cancellationToken = default) =>
        Reported.Run(() => GetAsyncCore(limit, clientId, connectionId, cancellationToken));

    private Task<PaginatedResult<PresenceMessage>> GetAsyncCore(int? limit, string? clientId, string? connectionId, CancellationToken cancellationToken)
    {
        _channel.Rest.ThrowIfDisposed();
        QueryParams.CheckLimit(limit);
        var query = new List<KeyValuePair<string, string>>();
        if (limit is { } l)
        {
            query.Add(new("limit", l.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        if (clientId is not null)
        {
            query.Add(new("clientId", clientId));
        }

        if (connectionId is not null)
        {
            query.Add(new("connectionId", connectionId));
        }

        return Fetch("/presence", query, cancellationToken);
    }

    /// <summary>Presence events of the past, one page at a time (RSP4), decoded with the channel's cipher.</summary>
    /// <exception cref="AblyException">40003 for an invalid query; the server's error otherwise.</exception>
    public Task<PaginatedResult<PresenceMessage>> HistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default) =>
        Reported.Run(() => HistoryAsyncCore(query, cancellationToken));

    private Task<PaginatedResult<PresenceMessage>> HistoryAsyncCore(HistoryQuery? query, CancellationToken cancellationToken)
    {
        _channel.Rest.ThrowIfDisposed();
        return Fetch("/presence/history", QueryParams.From(query), cancellationToken);
    }

    private Task<PaginatedResult<PresenceMessage>> Fetch(string suffix, IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        var rest = _channel.Rest;
        var request = new RestRequest(HttpMethod.Get, _channel.BasePath + suffix) { Query = query, Format = rest.Format };
        return new PageFetcher<PresenceMessage>(rest.Pipeline, request, rest.DecodeWith(Decode)).FirstPageAsync(cancellationToken);
    }

    private IReadOnlyList<PresenceMessage> Decode(Serialization.IProtocolCodec codec, ReadOnlyMemory<byte> body)
    {
        var members = codec.ReadPresenceMessages(body);
        var cipher = _channel.Options.Cipher;
        foreach (var member in members)
        {
            MessageEncoder.DecodeInPlace(member, cipher);
        }

        return members;
    }
}
