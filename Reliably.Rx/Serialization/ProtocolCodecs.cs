using Reliably.Rx.Serialization.Json;
using Reliably.Rx.Serialization.MsgPack;

namespace Reliably.Rx.Serialization;

/// <summary>The codec for each wire format (RSC8). Codecs are stateless singletons, safe to share.</summary>
internal static class ProtocolCodecs
{
    /// <summary>The JSON codec (text frames, <c>application/json</c>).</summary>
    public static IProtocolCodec Json => JsonProtocolCodec.Instance;

    /// <summary>The msgpack codec (binary frames, <c>application/x-msgpack</c>).</summary>
    public static IProtocolCodec MsgPack => MsgPackProtocolCodec.Instance;

    /// <summary>The codec for <paramref name="format"/>.</summary>
    public static IProtocolCodec For(WireFormat format) => format switch
    {
        WireFormat.Json => JsonProtocolCodec.Instance,
        WireFormat.MsgPack => MsgPackProtocolCodec.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown wire format."),
    };
}
