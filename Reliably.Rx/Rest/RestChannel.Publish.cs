using System.Buffers;
using System.Security.Cryptography;
using Reliably.Rx.Http;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Serialization;
using Reliably.Rx.Rest;

namespace Reliably.Rx;

public sealed partial class RestChannel
{
    /// <summary>Publishes one message (RSL1a). <paramref name="data"/> is a string, bytes, a JToken or any object sent as JSON.</summary>
    /// <exception cref="AblyException">40009 when too large; 40012 for a clientId mismatch; 40013 for unserializable data; the server's error otherwise.</exception>
    public Task<RestPublishResult> PublishAsync(string? name, object? data, CancellationToken cancellationToken = default) =>
        PublishAsync(new[] { new Message(name, data) }, null, cancellationToken);

    /// <summary>Publishes one message (RSL1a); the message object is not changed.</summary>
    /// <exception cref="AblyException">As for <see cref="PublishAsync(string?, object?, CancellationToken)"/>.</exception>
    public Task<RestPublishResult> PublishAsync(Message message, CancellationToken cancellationToken = default) =>
        Reported.Run(() => PublishAsync(new[] { message ?? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The message must not be null.") }, null, cancellationToken));

    /// <summary>
    /// Publishes several messages in one request, atomically (RSL1c). Unless <see cref="ClientOptions.IdempotentRestPublishing"/>
    /// is off, each message without an id of its own gets <c>base:index</c> so a retry on a fallback host cannot
    /// duplicate it (RSL1k).
    /// </summary>
    /// <param name="messages">The messages; not changed.</param>
    /// <param name="publishParams">Optional publish parameters sent in the query (RSL1l).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">As for <see cref="PublishAsync(string?, object?, CancellationToken)"/>; 40003 for an empty batch.</exception>
    public async Task<RestPublishResult> PublishAsync(IEnumerable<Message> messages, IReadOnlyDictionary<string, string>? publishParams = null, CancellationToken cancellationToken = default)
    {
        _rest.ThrowIfDisposed();
        var list = messages?.ToList() ?? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The messages must not be null.");
        var encoded = PrepareForPublish(list, Options.Cipher, _rest.Format);
        var body = new ArrayBufferWriter<byte>();
        _rest.Pipeline.Codecs.For(_rest.Format).WriteMessages(encoded, body);
        var request = new RestRequest(HttpMethod.Post, BasePath + "/messages")
        {
            Body = body.WrittenMemory.ToArray(),
            Format = _rest.Format,
            Query = publishParams?.Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value)).ToArray() ?? Array.Empty<KeyValuePair<string, string>>(),
        };

        var response = await _rest.Pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return ReadPublishResult(response);
    }

    /// <summary>Checks, assigns idempotent ids and encodes messages for the wire; shared with batch publish.</summary>
    internal Message[] PrepareForPublish(IReadOnlyList<Message> messages, CipherParams? cipher, Serialization.WireFormat format) =>
        PrepareForPublish(_rest, messages, cipher, format);

    internal static Message[] PrepareForPublish(AblyRest rest, IReadOnlyList<Message> messages, CipherParams? cipher, Serialization.WireFormat format)
    {
        if (messages.Count == 0)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Publish needs at least one message.");
        }

        var ownClientId = rest.Auth.ClientId;
        foreach (var message in messages)
        {
            if (message is null)
            {
                throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A message must not be null.");
            }

            // RSL1m: a message may only carry this client's identity, or any identity if the client is a wildcard.
            if (message.ClientId == "*")
            {
                throw new AblyException(ErrorCodes.InvalidClientId, 400, "A message's clientId must not be the wildcard '*'.");
            }

            if (message.ClientId is not null && ownClientId is not null && ownClientId != "*" && message.ClientId != ownClientId)
            {
                throw new AblyException(ErrorCodes.InvalidClientId, 400,
                    $"The message's clientId '{message.ClientId}' does not match this client's clientId '{ownClientId}'.");
            }
        }

        var encoded = MessageEncoder.EncodeAll(messages, cipher, format);
        if (rest.Options.IdempotentRestPublishing)
        {
            // RSL1k1-RSL1k3: client-supplied ids are kept as they are, and then none is generated.
            IdempotentIds.AssignIfNoneHasAnId(encoded, rest.Random);
        }

        var total = MessageSize.Of(encoded);
        var max = rest.Options.MaxMessageSize;
        if (total > max)
        {
            // RSL1i: refuse before sending; the server would reject it anyway.
            throw new AblyException(MessageSize.TooLarge(total, max));
        }

        return encoded;
    }

    private RestPublishResult ReadPublishResult(RestResponse response)
    {
        if (response.Body.Length == 0 || _rest.Pipeline.Codecs.ForMediaType(response.ContentType) is not { } codec)
        {
            return new RestPublishResult();
        }

        try
        {
            if (ReplyFields.Strings(codec, response.Body, "serials") is { } serials)
            {
                return new RestPublishResult { Serials = serials };
            }
        }
        catch (AblyException)
        {
            // The publish succeeded; an unreadable reply body only loses the serials.
        }

        return new RestPublishResult();
    }
}
