using System.Buffers;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Serialization;

/// <summary>
/// The auth replies and requests that have no typed codec method of their own, built and read as JSON trees here so
/// that the tree stays in Serialization/: an authUrl's JSON answer (RSA8c), the <c>/time</c> reply (RSC16) and token
/// revocation (RSA17). Each reader throws <see cref="AblyException"/> for a body it cannot read.
/// </summary>
internal static class AuthTrees
{
    /// <summary>What an authUrl's JSON answer holds (RSA8c3): TokenDetails, a TokenRequest to exchange, or neither.</summary>
    public enum AuthUrlAnswer
    {
        /// <summary>Neither TokenDetails nor a TokenRequest.</summary>
        Neither,

        /// <summary>TokenDetails: it has a string <c>token</c>.</summary>
        TokenDetails,

        /// <summary>A signed TokenRequest: it has a string <c>mac</c> and <c>keyName</c>.</summary>
        TokenRequest,
    }

    /// <summary>Classifies an authUrl's JSON answer; the codec's error for malformed JSON.</summary>
    public static AuthUrlAnswer Classify(IProtocolCodec json, ReadOnlyMemory<byte> body) => json.ReadTree(body) switch
    {
        JObject obj when obj["token"] is { Type: JTokenType.String } => AuthUrlAnswer.TokenDetails,
        JObject obj when obj["mac"] is { Type: JTokenType.String } && obj["keyName"] is { Type: JTokenType.String } => AuthUrlAnswer.TokenRequest,
        _ => AuthUrlAnswer.Neither,
    };

    /// <summary>RSC16: the server's time from a <c>/time</c> reply: <c>[ms]</c>, or a bare number or <c>{"time": ms}</c>.</summary>
    public static DateTimeOffset ReadServerTime(IProtocolCodec codec, ReadOnlyMemory<byte> body)
    {
        var tree = codec.ReadTree(body);
        var value = tree switch
        {
            JArray { Count: > 0 } array => array[0],
            JObject obj when obj["time"] is { } time => time,
            _ => tree,
        };
        if (value.Type is not (JTokenType.Integer or JTokenType.Float))
        {
            throw new AblyException(ErrorCodes.InternalError, 500, "The server's /time reply is not a timestamp.");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)value);
    }

    /// <summary>RSA17b, RSA17e, RSA17f: the body of a token revocation; issuedBefore and allowReauthMargin only when set.</summary>
    public static void WriteRevocationRequest(IProtocolCodec codec, IEnumerable<string> targets, TokenRevocationOptions? options, IBufferWriter<byte> output)
    {
        var body = new JObject { ["targets"] = new JArray(targets) };
        if (options?.IssuedBefore is { } issuedBefore)
        {
            body["issuedBefore"] = issuedBefore.ToUnixTimeMilliseconds();
        }

        if (options?.AllowReauthMargin is { } margin)
        {
            body["allowReauthMargin"] = margin;
        }

        codec.WriteTree(body, output);
    }

    /// <summary>
    /// Reads a token revocation reply (RSA17c): the BatchResult envelope current servers send, or the bare array of
    /// per-target results of a server that answers without one, whose counts are then taken from the results. 50000
    /// when it is neither, or malformed.
    /// </summary>
    public static BatchResult<TokenRevocationResult> ReadRevocationResult(IProtocolCodec codec, ReadOnlyMemory<byte> body)
    {
        var reply = codec.ReadTree(body);
        try
        {
            return ReadRevocationResult(reply);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw new AblyException(ErrorCodes.InternalError, 500, "The token revocation reply is malformed.", ex);
        }
    }

    private static BatchResult<TokenRevocationResult> ReadRevocationResult(JToken reply)
    {
        var items = reply switch
        {
            JObject envelope => envelope["results"] as JArray ?? throw new AblyException(ErrorCodes.InternalError, 500, "The token revocation reply has no results."),
            JArray bare => bare,
            _ => throw new AblyException(ErrorCodes.InternalError, 500, "The token revocation reply is not a batch result."),
        };

        var results = new List<TokenRevocationResult>(items.Count);
        foreach (var item in items)
        {
            if (item is not JObject result)
            {
                throw new AblyException(ErrorCodes.InternalError, 500, "A token revocation result is not an object.");
            }

            results.Add(new TokenRevocationResult
            {
                Target = result.Value<string>("target") ?? string.Empty,
                AppliesAt = Instant(result["appliesAt"]),
                IssuedBefore = Instant(result["issuedBefore"]),
                Error = result["error"] is JObject e ? ReadBatchError(e) : null,
            });
        }

        return new BatchResult<TokenRevocationResult>
        {
            SuccessCount = (reply as JObject)?.Value<int?>("successCount") ?? results.Count(r => r.Success),
            FailureCount = (reply as JObject)?.Value<int?>("failureCount") ?? results.Count(r => !r.Success),
            Results = results,
        };
    }

    private static DateTimeOffset? Instant(JToken? value) =>
        value?.Type is JTokenType.Integer or JTokenType.Float ? DateTimeOffset.FromUnixTimeMilliseconds((long)value) : null;

    private static ErrorInfo ReadBatchError(JObject e)
    {
        var code = e.Value<int?>("code") ?? ErrorCodes.InternalError;
        return new ErrorInfo(code, e.Value<int?>("statusCode") ?? 500, e.Value<string>("message") ?? string.Empty)
        {
            Href = e.Value<string>("href") ?? ErrorInfo.HrefFor(code),
        };
    }
}
