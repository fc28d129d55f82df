using System.Buffers;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Http;
using Reliably.Rx.Serialization;

namespace Reliably.Rx;

public sealed partial class AblyRest
{
    /// <summary>Publishes messages to several channels in one request (RSC22, POST /messages).</summary>
    /// <exception cref="AblyException">40003/40010 for an invalid spec; the server's error when the whole request fails.</exception>
    public async Task<BatchResult<BatchPublishResult>> BatchPublishAsync(BatchPublishSpec spec, CancellationToken cancellationToken = default)
    {
        var results = await BatchPublishAsync(new[] { spec ?? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The batch spec must not be null.") }, cancellationToken).ConfigureAwait(false);
        return results[0];
    }

    /// <summary>
    /// Publishes several batch specs in one request (RSC22); one result per spec, in order. Messages are not
    /// encrypted: channel ciphers do not apply to batch publishing.
    /// </summary>
    /// <exception cref="AblyException">40003/40010 for an invalid spec; the server's error when the whole request fails.</exception>
    public async Task<IReadOnlyList<BatchResult<BatchPublishResult>>> BatchPublishAsync(IEnumerable<BatchPublishSpec> specs, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var list = specs?.ToList() ?? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The batch specs must not be null.");
        if (list.Count == 0)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A batch publish needs at least one spec.");
        }

        var tree = new JArray();
        foreach (var spec in list)
        {
            if (spec?.Channels is not { Count: > 0 })
            {
                throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Every batch spec needs at least one channel.");
            }

            if (spec.Messages is not { Count: > 0 })
            {
                throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Every batch spec needs at least one message.");
            }

            foreach (var channel in spec.Channels)
            {
                RestChannels.ValidateName(channel);
            }

            // Encoded for JSON (binary as base64) so the messages can sit in a JSON tree; the server undoes base64 either way.
            var encoded = RestChannel.PrepareForPublish(this, spec.Messages, null, WireFormat.Json);
            var buffer = new ArrayBufferWriter<byte>();
            Pipeline.Codecs.Json.WriteMessages(encoded, buffer);
            tree.Add(new JObject
            {
                ["channels"] = new JArray(spec.Channels.Cast<object>().ToArray()),
                ["messages"] = Pipeline.Codecs.Json.ReadTree(buffer.WrittenMemory),
            });
        }

        var body = new ArrayBufferWriter<byte>();
        Pipeline.Codecs.For(Format).WriteTree(tree, body);
        var request = new RestRequest(HttpMethod.Post, "/messages") { Body = body.WrittenMemory.ToArray(), Format = Format };
        var response = await Pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var codec = Pipeline.Codecs.ForResponse(response, Format);
        var reply = codec.ReadTree(response.Body);
        var items = reply is JArray array ? array.ToList() : new List<JToken> { reply };
        try
        {
            return items.Select(ReadBatchResult).ToArray();
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw new AblyException(ErrorCodes.InternalError, 500, "The batch publish reply is malformed.", ex);
        }
    }

    private static BatchResult<BatchPublishResult> ReadBatchResult(JToken item)
    {
        var results = new List<BatchPublishResult>();
        if (item is not JObject)
        {
            throw new AblyException(ErrorCodes.InternalError, 500, "The batch publish reply is not a batch result.");
        }

        foreach (var result in (item["results"] as JArray ?? new JArray()).OfType<JObject>())
        {
            ErrorInfo? error = null;
            if (result["error"] is JObject e)
            {
                var code = e.Value<int?>("code") ?? ErrorCodes.InternalError;
                error = new ErrorInfo(code, e.Value<int?>("statusCode") ?? 500, e.Value<string>("message") ?? string.Empty) { Href = e.Value<string>("href") };
            }

            results.Add(new BatchPublishResult
            {
                Channel = result.Value<string>("channel") ?? string.Empty,
                MessageId = result.Value<string>("messageId"),
                Serials = (result["serials"] as JArray)?.Select(s => s.Type == JTokenType.String ? (string?)s : null).ToArray() ?? Array.Empty<string?>(),
                Error = error,
            });
        }

        return new BatchResult<BatchPublishResult>
        {
            SuccessCount = item.Value<int?>("successCount") ?? results.Count(r => r.Success),
            FailureCount = item.Value<int?>("failureCount") ?? results.Count(r => !r.Success),
            Results = results,
        };
    }
}
