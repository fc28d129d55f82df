using Reliably.Rx.Http;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Rest;

namespace Reliably.Rx;

public sealed partial class RestChannel
{
    /// <summary>
    /// One page of the channel's message history (RSL2). Messages are decoded and decrypted with the channel's cipher;
    /// a message that cannot be decoded (for example without the key) keeps the remaining steps in
    /// <see cref="Message.Encoding"/> (RSL6b) instead of failing the page.
    /// </summary>
    /// <exception cref="AblyException">40003 for an invalid query; the server's error, for example 40160.</exception>
    public Task<PaginatedResult<Message>> HistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default) =>
        Reported.Run(() => HistoryAsyncCore(query, cancellationToken));

    private Task<PaginatedResult<Message>> HistoryAsyncCore(HistoryQuery? query, CancellationToken cancellationToken)
    {
        _rest.ThrowIfDisposed();
        var request = new RestRequest(HttpMethod.Get, BasePath + "/messages") { Query = QueryParams.From(query), Format = _rest.Format };
        return new PageFetcher<Message>(_rest.Pipeline, request, _rest.DecodeWith(DecodeMessages)).FirstPageAsync(cancellationToken);
    }

    /// <summary>
    /// Every message of the history (RSL2), page by page as the enumeration proceeds. Cold: each enumeration queries
    /// again. The query is validated now, not on the first <c>MoveNextAsync</c>.
    /// </summary>
    /// <exception cref="AblyException">40003 for an invalid query (thrown here); request errors surface from the enumeration.</exception>
    public IAsyncEnumerable<Message> History(HistoryQuery? query = null)
    {
        QueryParams.From(query);
        return Enumerate(query);

        async IAsyncEnumerable<Message> Enumerate(HistoryQuery? q, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var page = await HistoryAsync(q, cancellationToken).ConfigureAwait(false);
            await foreach (var message in page.AllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return message;
            }
        }
    }

    private IReadOnlyList<Message> DecodeMessages(Serialization.IProtocolCodec codec, ReadOnlyMemory<byte> body)
    {
        var messages = codec.ReadMessages(body);
        var cipher = Options.Cipher;
        foreach (var message in messages)
        {
            // RSL6b: failures leave the residual encoding in place; they are not errors of the request.
            MessageEncoder.DecodeInPlace(message, cipher);
        }

        return messages;
    }
}
