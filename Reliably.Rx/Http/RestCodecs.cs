using Reliably.Rx.Serialization;

namespace Reliably.Rx.Http;

/// <summary>The two body codecs the REST layer picks from by configured format (RSC8) or by a response's content type.</summary>
internal sealed class RestCodecs
{
    public RestCodecs(IProtocolCodec json, IProtocolCodec msgPack)
    {
        Json = json ?? throw new ArgumentNullException(nameof(json));
        MsgPack = msgPack ?? throw new ArgumentNullException(nameof(msgPack));
    }

    public IProtocolCodec Json { get; }

    public IProtocolCodec MsgPack { get; }

    public IProtocolCodec For(WireFormat format) => format == WireFormat.MsgPack ? MsgPack : Json;

    /// <summary>
    /// The codec for a successful response: by its content type (RSC8d: whatever was asked for), or
    /// <paramref name="requested"/> when the server sent none.
    /// </summary>
    /// <exception cref="AblyException">40013 when the content type is neither JSON nor msgpack (RSC8e).</exception>
    public IProtocolCodec ForResponse(RestResponse response, WireFormat requested)
    {
        if (response.ContentType is null)
        {
            return For(requested);
        }

        return ForMediaType(response.ContentType)
            ?? throw new AblyException(ErrorCodes.InvalidMessageDataOrEncoding, 400,
                $"The server answered with an unsupported content type '{response.ContentType}'.");
    }

    /// <summary>The codec for a response media type, or null when the body is neither JSON nor msgpack.</summary>
    public IProtocolCodec? ForMediaType(string? mediaType)
    {
        if (mediaType is null)
        {
            return null;
        }

        if (string.Equals(mediaType, Json.ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return Json;
        }

        return string.Equals(mediaType, MsgPack.ContentType, StringComparison.OrdinalIgnoreCase) ? MsgPack : null;
    }
}
