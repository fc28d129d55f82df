using Newtonsoft.Json.Linq;
using Reliably.Rx.Http;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Serialization;

namespace Reliably.Rx;

public sealed partial class AblyRest
{
    /// <summary>The members present on several channels in one request (RSC24, GET /presence?channels=...).</summary>
    /// <param name="channels">The channel names; at least one.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003/40010 for invalid names; the server's error when the whole request fails.</exception>
    public async Task<BatchResult<BatchPresenceResult>> BatchPresenceAsync(IEnumerable<string> channels, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var names = channels?.ToList() ?? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The channel names must not be null.");
        if (names.Count == 0)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A batch presence request needs at least one channel.");
        }

        foreach (var name in names)
        {
            RestChannels.ValidateName(name);
            if (name.Contains(',', StringComparison.Ordinal))
            {
                throw new AblyException(ErrorCodes.InvalidChannelName, 400, "Channel names in a batch presence request cannot contain ','.");
            }
        }

        // JSON on purpose: the members sit inside a generic tree, where JSON keeps binary data as base64 with its
        // encoding step, so it decodes exactly; a msgpack tree would lose that distinction.
        var request = new RestRequest(HttpMethod.Get, "/presence")
        {
            Query = new[] { new KeyValuePair<string, string>("channels", string.Join(",", names)) },
            Format = WireFormat.Json,
        };
        var response = await Pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var tree = Pipeline.Codecs.ForResponse(response, WireFormat.Json).ReadTree(response.Body);
        if (tree is not JObject root)
        {
            throw new AblyException(ErrorCodes.InternalError, 500, "The batch presence reply is not a batch result.");
        }

        try
        {
            return ReadBatchPresence(root);
        }
        catch (Exception ex) when (ex is FormatException or InvalidCastException or OverflowException or ArgumentException)
        {
            throw new AblyException(ErrorCodes.InternalError, 500, "The batch presence reply is malformed.", ex);
        }
    }

    private BatchResult<BatchPresenceResult> ReadBatchPresence(JObject root)
    {
        var results = new List<BatchPresenceResult>();
        foreach (var item in (root["results"] as JArray ?? new JArray()).OfType<JObject>())
        {
            ErrorInfo? error = null;
            if (item["error"] is JObject e)
            {
                error = new ErrorInfo(e.Value<int?>("code") ?? ErrorCodes.InternalError, e.Value<int?>("statusCode") ?? 500, e.Value<string>("message") ?? string.Empty);
            }

            IReadOnlyList<PresenceMessage> members = Array.Empty<PresenceMessage>();
            if (item["presence"] is JArray presence)
            {
                var decoded = Pipeline.Codecs.Json.ReadPresenceMessages(System.Text.Encoding.UTF8.GetBytes(presence.ToString(Newtonsoft.Json.Formatting.None)));
                foreach (var member in decoded)
                {
                    MessageEncoder.DecodeInPlace(member, null);
                }

                members = decoded;
            }

            results.Add(new BatchPresenceResult { Channel = item.Value<string>("channel") ?? string.Empty, Presence = members, Error = error });
        }

        return new BatchResult<BatchPresenceResult>
        {
            SuccessCount = root.Value<int?>("successCount") ?? results.Count(r => r.Success),
            FailureCount = root.Value<int?>("failureCount") ?? results.Count(r => !r.Success),
            Results = results,
        };
    }
}
