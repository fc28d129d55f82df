using Reliably.Rx.Http;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Rest;

namespace Reliably.Rx;

/// <summary>History through the client's REST side (RTL10).</summary>
public sealed partial class RealtimeChannel
{
    /// <summary>
    /// One page of the channel's message history (RTL10a), decoded and decrypted with the channel's cipher (a message
    /// that cannot be decoded keeps its residual encoding, RSL6b). With <paramref name="untilAttach"/> the history ends
    /// at the point the channel attached (<see cref="AttachSerial"/>), so together with <see cref="Messages()"/> it
    /// gives a gapless view (RTL10b).
    /// </summary>
    /// <param name="query">Start, end, direction and limit; null for the defaults.</param>
    /// <param name="untilAttach">End at the attach point: sends <c>fromSerial=&lt;attachSerial&gt;</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">
    /// 90001 when <paramref name="untilAttach"/> is set and the channel is not ATTACHED (RTL10b); 40003 for an invalid
    /// query; the server's error otherwise.
    /// </exception>
    public Task<PaginatedResult<Message>> HistoryAsync(HistoryQuery? query = null, bool untilAttach = false, CancellationToken cancellationToken = default) =>
        Reported.Run(() => History(query, untilAttach, cancellationToken));

    private Task<PaginatedResult<Message>> History(HistoryQuery? query, bool untilAttach, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        var parameters = new List<KeyValuePair<string, string>>(QueryParams.From(query));
        if (untilAttach)
        {
            if (State != ChannelState.Attached || AttachSerial is not { } attachSerial)
            {
                throw new AblyException(ErrorCodes.ChannelOperationFailedInvalidState, 400,
                    "History with untilAttach requires the channel to be ATTACHED (RTL10b).");
            }

            parameters.Add(new("fromSerial", attachSerial));
        }

        return FetchHistoryAsync(parameters, cancellationToken);
    }

    /// <summary>A history page with raw query parameters; decoded with the current cipher.</summary>
    internal Task<PaginatedResult<Message>> FetchHistoryAsync(IReadOnlyList<KeyValuePair<string, string>> query, CancellationToken cancellationToken)
    {
        var rest = _client.Rest;
        rest.ThrowIfDisposed();
        var request = new RestRequest(HttpMethod.Get, RestPath + "/messages") { Query = query, Format = rest.Format };
        return new PageFetcher<Message>(rest.Pipeline, request, rest.DecodeWith(DecodeHistory)).FirstPageAsync(cancellationToken);
    }

    private IReadOnlyList<Message> DecodeHistory(Serialization.IProtocolCodec codec, ReadOnlyMemory<byte> body)
    {
        var messages = codec.ReadMessages(body);
        var cipher = Options.Cipher;
        foreach (var message in messages)
        {
            MessageEncoder.DecodeInPlace(message, cipher);
        }

        return messages;
    }
}
