using Reliably.Rx.Serialization;

namespace Reliably.Rx.PayloadEncoding;

/// <summary>
/// Encodes messages for publishing and decodes received ones (RSL4, RSL5, RSL6, RTL7). Encoding works on a copy and
/// never changes the caller's object. Decoding never throws: a step that cannot be undone is reported as an
/// <see cref="ErrorInfo"/> (40013) and left in <c>Encoding</c>, with the data as far as it was decoded (RSL6b).
/// </summary>
/// <remarks>
/// Namespace note: this folder is <c>Encoding/</c> but the namespace is <c>Reliably.Rx.PayloadEncoding</c>, because a
/// <c>Reliably.Rx.Encoding</c> namespace would hide <c>System.Text.Encoding</c> from every file under
/// <c>Reliably.Rx</c>. A delta (<c>vcdiff</c>) step needs the channel's base payload: realtime channels decode with their
/// <see cref="DeltaBase"/>; elsewhere the step is reported as unsupported.
/// </remarks>
internal static class MessageEncoder
{
    /// <summary>An encoded copy of <paramref name="message"/>, ready for <paramref name="format"/> (RSL4).</summary>
    /// <exception cref="AblyException">40013 when the data cannot be serialized.</exception>
    public static Message Encode(Message message, CipherParams? cipher, WireFormat format)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (data, encoding) = PayloadTransform.Encode(message.Data, message.Encoding, cipher, format);
        return message with { Data = data, Encoding = encoding };
    }

    /// <summary>An encoded copy of <paramref name="message"/>, ready for <paramref name="format"/> (RSL4, RTP8).</summary>
    /// <exception cref="AblyException">40013 when the data cannot be serialized.</exception>
    public static PresenceMessage Encode(PresenceMessage message, CipherParams? cipher, WireFormat format)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (data, encoding) = PayloadTransform.Encode(message.Data, message.Encoding, cipher, format);
        return message with { Data = data, Encoding = encoding };
    }

    /// <summary>Encoded copies of <paramref name="messages"/>.</summary>
    public static Message[] EncodeAll(IReadOnlyList<Message> messages, CipherParams? cipher, WireFormat format)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var result = new Message[messages.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = Encode(messages[i], cipher, format);
        }

        return result;
    }

    /// <summary>
    /// Decodes a copy of <paramref name="message"/> into <paramref name="decoded"/>; returns null on success or the
    /// error of the first step that could not be undone (RSL6b). Never throws.
    /// </summary>
    public static ErrorInfo? TryDecode(Message message, CipherParams? cipher, out Message decoded)
    {
        ArgumentNullException.ThrowIfNull(message);
        decoded = message with { };
        return DecodeInPlace(decoded, cipher);
    }

    /// <inheritdoc cref="TryDecode(Message, CipherParams?, out Message)"/>
    public static ErrorInfo? TryDecode(PresenceMessage message, CipherParams? cipher, out PresenceMessage decoded)
    {
        ArgumentNullException.ThrowIfNull(message);
        decoded = message with { };
        return DecodeInPlace(decoded, cipher);
    }

    /// <summary>
    /// Decodes a message the caller owns (one just read from the wire) without copying it. Returns null or the error
    /// of the first step that could not be undone. Never throws.
    /// </summary>
    public static ErrorInfo? DecodeInPlace(Message message, CipherParams? cipher)
    {
        ArgumentNullException.ThrowIfNull(message);
        var data = message.Data;
        var encoding = message.Encoding;
        var error = PayloadTransform.Decode(ref data, ref encoding, cipher);
        message.SetPayload(data, encoding);
        return error;
    }

    /// <summary>
    /// Decodes a message received on a realtime channel, in place, with the channel's delta state: the <c>vcdiff</c>
    /// step is applied and the base payload kept (RTL19, RTL20). Returns null or the error of the first step that failed.
    /// </summary>
    public static ErrorInfo? DecodeInPlace(Message message, CipherParams? cipher, DeltaBase delta)
    {
        ArgumentNullException.ThrowIfNull(message);
        var data = message.Data;
        var encoding = message.Encoding;
        var error = delta.Decode(message, cipher, ref data, ref encoding);
        message.SetPayload(data, encoding);
        return error;
    }

    /// <inheritdoc cref="DecodeInPlace(Message, CipherParams?)"/>
    public static ErrorInfo? DecodeInPlace(PresenceMessage message, CipherParams? cipher)
    {
        ArgumentNullException.ThrowIfNull(message);
        var data = message.Data;
        var encoding = message.Encoding;
        var error = PayloadTransform.Decode(ref data, ref encoding, cipher);
        message.SetPayload(data, encoding);
        return error;
    }

    /// <summary>A decoded copy, for callers that surface failures as exceptions (REST history, RSL6b is about realtime).</summary>
    /// <exception cref="AblyException">40013 when a step cannot be undone.</exception>
    public static Message Decode(Message message, CipherParams? cipher)
    {
        var error = TryDecode(message, cipher, out var decoded);
        return error is null ? decoded : throw new AblyException(error);
    }

    /// <inheritdoc cref="Decode(Message, CipherParams?)"/>
    public static PresenceMessage Decode(PresenceMessage message, CipherParams? cipher)
    {
        var error = TryDecode(message, cipher, out var decoded);
        return error is null ? decoded : throw new AblyException(error);
    }
}
