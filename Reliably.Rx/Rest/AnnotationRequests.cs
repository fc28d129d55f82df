using System.Buffers;
using Reliably.Rx.Http;
using Reliably.Rx.PayloadEncoding;

namespace Reliably.Rx.Rest;

/// <summary>
/// The REST side of annotations, shared by <see cref="RestAnnotations"/> (RSAN1-RSAN3) and <see cref="RealtimeAnnotations"/>
/// (RTAN3a: get is the REST get).
/// </summary>
internal static class AnnotationRequests
{
    /// <summary>RSAN1c6: <c>/channels/{name}/messages/{serial}/annotations</c>.</summary>
    public static string Path(string basePath, string messageSerial) =>
        basePath + "/messages/" + Uri.EscapeDataString(messageSerial) + "/annotations";

    /// <summary>RSAN1c, RSAN2a: POSTs a one-element array holding the annotation, with an idempotent id when enabled (RSAN1c4).</summary>
    public static async Task PublishAsync(AblyRest rest, string basePath, string? messageSerial, Annotation? annotation, AnnotationAction action, CancellationToken cancellationToken)
    {
        rest.ThrowIfDisposed();
        var built = AnnotationWire.Build(messageSerial, annotation, action);
        if (rest.Options.IdempotentRestPublishing && string.IsNullOrEmpty(built.Id))
        {
            built = built with { Id = IdempotentIds.Single(rest.Random) };
        }

        var written = AnnotationWire.WriteSized(built);
        if (written.Size > rest.Options.MaxMessageSize)
        {
            // RSAN1a4.
            throw new AblyException(MessageSize.TooLarge(written.Size, rest.Options.MaxMessageSize));
        }

        var body = new ArrayBufferWriter<byte>();
        rest.Pipeline.Codecs.For(rest.Format).WriteAnnotations([written.Encoded], body);
        var request = new RestRequest(HttpMethod.Post, Path(basePath, built.MessageSerial!))
        {
            Body = body.WrittenMemory.ToArray(),
            Format = rest.Format,
        };
        await rest.Pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>RSAN3b, RSAN3c: the first page of a message's annotations, decoded; params go in the query.</summary>
    public static Task<PaginatedResult<Annotation>> GetAsync(AblyRest rest, string basePath, string? messageSerial, IReadOnlyDictionary<string, string>? parameters, CancellationToken cancellationToken)
    {
        rest.ThrowIfDisposed();
        var request = new RestRequest(HttpMethod.Get, Path(basePath, MessageSerials.Require(messageSerial)))
        {
            Format = rest.Format,
            Query = parameters?.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value)).ToArray() ?? Array.Empty<KeyValuePair<string, string>>(),
        };
        return new PageFetcher<Annotation>(rest.Pipeline, request, rest.DecodeWith(AnnotationWire.ReadAll)).FirstPageAsync(cancellationToken);
    }
}
