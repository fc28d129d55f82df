using System.Buffers;
using Reliably.Rx.Http;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Rest;

/// <summary>
/// Reading and changing one message through REST, shared by <see cref="RestChannel"/> (RSL11, RSL14, RSL15) and
/// <see cref="RealtimeChannel"/> (RTL28, RTL31); and the request message every update, delete or append is built from.
/// </summary>
internal static class MessageChanges
{
    /// <summary>
    /// RSL15b, RTL32b: a copy of <paramref name="message"/> with the action set and the operation as its version; the
    /// caller's message is not changed (RSL15c, RTL32c). 40003 when the message is null or has no serial.
    /// </summary>
    public static Message Build(Message? message, MessageAction action, MessageOperation? operation)
    {
        if (message is null)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The message must not be null.");
        }

        MessageSerials.Require(message.Serial);
        return message with
        {
            Action = action,
            Version = operation is null ? null : new MessageVersion { ClientId = operation.ClientId, Description = operation.Description, Metadata = operation.Metadata },
        };
    }

    /// <summary>RSL11: the latest version of a message, decoded with <paramref name="cipher"/>.</summary>
    public static async Task<Message> GetAsync(AblyRest rest, string basePath, CipherParams? cipher, string? serial, CancellationToken cancellationToken)
    {
        rest.ThrowIfDisposed();
        var request = new RestRequest(HttpMethod.Get, basePath + "/messages/" + Uri.EscapeDataString(MessageSerials.Require(serial))) { Format = rest.Format };
        var response = await rest.Pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var messages = rest.Pipeline.Codecs.ForResponse(response, rest.Format).ReadMessages(response.Body);
        if (messages.Length != 1)
        {
            throw new AblyException(ErrorCodes.InternalError, 500, "The server did not answer with exactly one message.");
        }

        MessageEncoder.DecodeInPlace(messages[0], cipher);
        messages[0].CompleteVersion();
        return messages[0];
    }

    /// <summary>RSL14: every version of a message, paginated, decoded with <paramref name="cipher"/>.</summary>
    public static Task<PaginatedResult<Message>> VersionsAsync(AblyRest rest, string basePath, CipherParams? cipher, string? serial, IReadOnlyDictionary<string, string>? parameters, CancellationToken cancellationToken)
    {
        rest.ThrowIfDisposed();
        var request = new RestRequest(HttpMethod.Get, basePath + "/messages/" + Uri.EscapeDataString(MessageSerials.Require(serial)) + "/versions")
        {
            Format = rest.Format,
            Query = Query(parameters),
        };
        return new PageFetcher<Message>(rest.Pipeline, request, rest.DecodeWith((codec, body) => Decode(codec, body, cipher))).FirstPageAsync(cancellationToken);
    }

    /// <summary>RSL15b: PATCH the change (encoded per RSL4, in the client's format, RSL15d) with the params in the query (RSL15f).</summary>
    public static async Task<UpdateDeleteResult> SendAsync(AblyRest rest, string basePath, CipherParams? cipher, Message change, IReadOnlyDictionary<string, string>? parameters, CancellationToken cancellationToken)
    {
        rest.ThrowIfDisposed();
        var encoded = MessageEncoder.Encode(change, cipher, rest.Format);
        var size = MessageSize.Of([encoded]);
        if (size > rest.Options.MaxMessageSize)
        {
            throw new AblyException(MessageSize.TooLarge(size, rest.Options.MaxMessageSize));
        }

        var body = new ArrayBufferWriter<byte>();
        rest.Pipeline.Codecs.For(rest.Format).WriteMessage(encoded, body);
        var request = new RestRequest(HttpMethod.Patch, basePath + "/messages/" + Uri.EscapeDataString(change.Serial!))
        {
            Body = body.WrittenMemory.ToArray(),
            Format = rest.Format,
            Query = Query(parameters),
        };
        var response = await rest.Pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return ReadResult(rest, response);
    }

    private static UpdateDeleteResult ReadResult(AblyRest rest, RestResponse response)
    {
        // RSL15e: the body is a superset of UpdateDeleteResult; an empty or unreadable one gives no version serial.
        if (response.Body.Length == 0 || rest.Pipeline.Codecs.ForMediaType(response.ContentType) is not { } codec)
        {
            return new UpdateDeleteResult();
        }

        try
        {
            return new UpdateDeleteResult { VersionSerial = ReplyFields.String(codec, response.Body, "versionSerial") };
        }
        catch (AblyException)
        {
            return new UpdateDeleteResult();
        }
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Query(IReadOnlyDictionary<string, string>? parameters) =>
        parameters?.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value)).ToArray() ?? Array.Empty<KeyValuePair<string, string>>();

    private static Message[] Decode(Serialization.IProtocolCodec codec, ReadOnlyMemory<byte> body, CipherParams? cipher)
    {
        var messages = codec.ReadMessages(body);
        foreach (var message in messages)
        {
            MessageEncoder.DecodeInPlace(message, cipher);
            message.CompleteVersion();
        }

        return messages;
    }
}
