using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Auth;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Rest;

/// <summary>Channel REST routes: publish, history, presence, status (RSL1, RSL2, RSP3, RSP4, RSL8).</summary>
internal sealed partial class RestRouter
{
    private async Task PublishAsync(RestExchange x, string channel)
    {
        var auth = Authenticate(x);
        Require(auth, channel, "publish");
        var body = await x.ReadBodyAsync().ConfigureAwait(false);
        var messages = body switch
        {
            JObject o => [o],
            JArray a when a.Count > 0 => a.Select(t => t as JObject ?? throw ErrorInfo.BadRequest("Each message must be an object")).ToList(),
            _ => throw ErrorInfo.BadRequest("Body must be a message or a non-empty array of messages"),
        };
        if (x.Q("_forceNack") == "true")
        {
            throw new AblyException(40099, 400, "Forced NACK (_forceNack=true)");
        }

        var serials = PublishChecked(auth, channel, messages);
        await x.WriteAsync(201, new JObject
        {
            ["channel"] = channel,
            ["messageId"] = messages[0].Value<string?>("id"),
            ["serials"] = new JArray(serials.Select(s => (JToken?)s ?? JValue.CreateNull())),
        }).ConfigureAwait(false);
    }

    private List<string?> PublishChecked(AuthContext auth, string channel, List<JObject> messages)
    {
        var withIds = messages.Count(m => m["id"] is { Type: JTokenType.String });
        if (withIds != 0 && withIds != messages.Count)
        {
            // RSL1k3: a batch is idempotent as a whole or not at all.
            throw new AblyException(40031, 400, "Invalid client-specified message ids: either all or none must have ids");
        }

        long size = 0;
        foreach (var m in messages)
        {
            DataCodec.Ingress(m);
            OnBehalfOf(auth, m);
            if (m.Value<string?>("clientId") is { } cid)
            {
                if (!auth.PermitsClientId(cid))
                {
                    throw new AblyException(40012, 400, $"Invalid clientId '{cid}' for these credentials");
                }
            }
            else if (auth.ClientId is { } own && own != "*")
            {
                m["clientId"] = own;
            }

            size += DataCodec.Size(m);
        }

        if (size > _server.Options.MaxMessageSize)
        {
            throw new AblyException(40009, 400, $"Maximum message length exceeded (size {size}, limit {_server.Options.MaxMessageSize})");
        }

        if (_server.Faults.TryConsumeNack("rest") is { } injected)
        {
            throw new AblyException(injected.Code, injected.StatusCode, injected.Message);
        }

        return auth.App.GetChannel(channel).Publish(messages, null, null);
    }

    /// <summary>
    /// A REST publish may be made on behalf of a realtime connection (TM2h): a message carrying that connection's
    /// connectionKey is attributed to its connectionId. A connectionId cannot be claimed any other way.
    /// </summary>
    private void OnBehalfOf(AuthContext auth, JObject message)
    {
        message.Remove("connectionId");
        if (message["connectionKey"] is not { } keyToken)
        {
            return;
        }

        message.Remove("connectionKey");
        var key = keyToken.Type == JTokenType.String ? (string)keyToken! : string.Empty;
        var bang = key.IndexOf('!');
        if (bang <= 0 || _server.Sessions.Find(key[..bang]) is not { Discarded: false } session || !session.OwnsKey(key) || session.App != auth.App)
        {
            throw new AblyException(40006, 400, "Invalid connectionKey: no such connection");
        }

        message["connectionId"] = session.Id;
    }

    private async Task BatchPublishAsync(RestExchange x)
    {
        var auth = Authenticate(x);
        var body = await x.ReadBodyAsync().ConfigureAwait(false);
        var specs = body switch
        {
            JObject o => [o],
            JArray a => a.Select(t => t as JObject ?? throw ErrorInfo.BadRequest("Each batch spec must be an object")).ToList(),
            _ => throw ErrorInfo.BadRequest("Body must be a batch spec or an array of them"),
        };
        var results = new JArray();
        foreach (var spec in specs)
        {
            var channels = spec["channels"] switch
            {
                JValue { Type: JTokenType.String } s => [(string)s!],
                JArray a => a.Select(c => (string?)c ?? throw ErrorInfo.BadRequest("Invalid channel name")).ToList(),
                _ => throw ErrorInfo.BadRequest("Batch spec requires channels"),
            };
            var template = spec["messages"] switch
            {
                JObject o => new JArray(o),
                JArray a => a,
                _ => throw ErrorInfo.BadRequest("Batch spec requires messages"),
            };
            var entries = new JArray();
            var success = 0;
            foreach (var channel in channels)
            {
                try
                {
                    var resource = Channel(channel);
                    Require(auth, resource, "publish");
                    var messages = template.Select(t => (JObject)t.DeepClone()).ToList();
                    var serials = PublishChecked(auth, resource, messages);
                    entries.Add(new JObject
                    {
                        ["channel"] = channel,
                        ["messageId"] = messages[0].Value<string?>("id"),
                        ["serials"] = new JArray(serials.Select(s => (JToken?)s ?? JValue.CreateNull())),
                    });
                    success++;
                }
                catch (AblyException ex)
                {
                    entries.Add(new JObject { ["channel"] = channel, ["error"] = ex.ToErrorInfo() });
                }
            }

            results.Add(new JObject { ["successCount"] = success, ["failureCount"] = channels.Count - success, ["results"] = entries });
        }

        if (x.ProtocolVersion < 3)
        {
            await WriteLegacyBatchAsync(x, body is JObject, results).ConfigureAwait(false);
            return;
        }

        await x.WriteAsync(201, body is JObject ? results[0] : results).ConfigureAwait(false);
    }

    /// <summary>
    /// Before protocol version 3 (RSC19f1: request() lets the caller choose), a batch publish answered with the
    /// per-channel results as a plain array, and a partial failure as a 400 with code 40020 and a batchResponse.
    /// </summary>
    private static Task WriteLegacyBatchAsync(RestExchange x, bool singleSpec, JArray results)
    {
        var perSpec = results.Select(r => r["results"]!).ToList();
        var failed = results.Sum(r => r.Value<int>("failureCount"));
        JToken channels = singleSpec ? perSpec[0] : new JArray(perSpec);
        if (failed == 0)
        {
            return x.WriteAsync(201, channels);
        }

        const string message = "Batched response includes errors";
        x.Context.Response.Headers["X-Ably-Errorcode"] = "40020";
        x.Context.Response.Headers["X-Ably-Errormessage"] = message;
        return x.WriteAsync(400, new JObject { ["error"] = ErrorInfo.Create(40020, 400, message), ["batchResponse"] = channels });
    }

    private async Task HistoryAsync(RestExchange x, string channel)
    {
        var auth = Authenticate(x);
        Require(auth, channel, "history");
        var (start, end) = Window(x);
        var backwards = Pagination.Backwards(x);
        var limit = Pagination.Limit(x);
        var state = auth.App.TryGetChannel(channel);
        var from = Cursor(x, state);
        var items = state?.HistorySnapshot(start, end, FromSerial(x)) ?? NoHistory(x);
        if (backwards)
        {
            items.Reverse();
        }

        var (page, next) = Pagination.Page(items, i => i.Ordinal, from, limit, backwards);
        Pagination.SetLinks(x, "messages", limit, backwards, next is { } n ? state!.FormatCursor(n) : null);
        await x.WriteAsync(200, DataCodec.EgressArray(page.Select(p => p.Item), x.Format)).ConfigureAwait(false);
    }

    private async Task PresenceAsync(RestExchange x, string channel)
    {
        var auth = Authenticate(x);
        Require(auth, channel, "subscribe", "presence");
        var limit = Pagination.Limit(x);
        var members = auth.App.TryGetChannel(channel)?.MembersSnapshot(x.Q("clientId"), x.Q("connectionId")) ?? [];
        var (page, next) = Pagination.Page(Enumerable.Range(0, members.Count).ToList(), i => i, x.QLong("from"), limit, false);
        Pagination.SetLinks(x, "presence", limit, false, next);
        await x.WriteAsync(200, DataCodec.EgressArray(page.Select(i => members[i]), x.Format)).ConfigureAwait(false);
    }

    private async Task PresenceHistoryAsync(RestExchange x, string channel)
    {
        var auth = Authenticate(x);
        Require(auth, channel, "history");
        var (start, end) = Window(x);
        var backwards = Pagination.Backwards(x);
        var limit = Pagination.Limit(x);
        var state = auth.App.TryGetChannel(channel);
        var from = Cursor(x, state);
        var items = state?.PresenceHistorySnapshot(start, end, FromSerial(x)) ?? NoHistory(x);
        if (backwards)
        {
            items.Reverse();
        }

        var (page, next) = Pagination.Page(items, i => i.Ordinal, from, limit, backwards);
        Pagination.SetLinks(x, "history", limit, backwards, next is { } n ? state!.FormatCursor(n) : null);
        await x.WriteAsync(200, DataCodec.EgressArray(page.Select(p => p.Item), x.Format)).ConfigureAwait(false);
    }

    private async Task BatchPresenceAsync(RestExchange x)
    {
        var auth = Authenticate(x);
        var names = (x.Q("channels") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var results = new JArray();
        var success = 0;
        foreach (var name in names)
        {
            try
            {
                var resource = Channel(name);
                Require(auth, resource, "subscribe", "presence");
                var members = auth.App.TryGetChannel(resource)?.MembersSnapshot(null, null) ?? [];
                results.Add(new JObject { ["channel"] = name, ["presence"] = DataCodec.EgressArray(members, x.Format) });
                success++;
            }
            catch (AblyException ex)
            {
                results.Add(new JObject { ["channel"] = name, ["error"] = ex.ToErrorInfo() });
            }
        }

        await x.WriteAsync(200, new JObject { ["successCount"] = success, ["failureCount"] = names.Length - success, ["results"] = results }).ConfigureAwait(false);
    }

    private async Task ChannelStatusAsync(RestExchange x, string channel)
    {
        var auth = Authenticate(x);
        Require(auth, channel, "channel-metadata");
        var state = auth.App.TryGetChannel(channel);
        var metrics = state?.Metrics() ?? new ChannelState(channel, auth.App).Metrics();
        await x.WriteAsync(200, new JObject
        {
            ["channelId"] = channel,
            ["name"] = channel,
            ["status"] = new JObject
            {
                ["isActive"] = state?.IsActive ?? false,
                ["occupancy"] = new JObject { ["metrics"] = metrics },
            },
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// The position a next-page link continues from. The cursor names the channel instance it was read from: after a
    /// restart (all channel state lost) the channel's history is another one, and serving it as the continuation of the
    /// pages already read would tell the reader history ended, or was continuous, where it was not (40011).
    /// </summary>
    private static long? Cursor(RestExchange x, ChannelState? state)
    {
        if (x.Q("from") is not { } cursor)
        {
            return null;
        }

        return state is not null && state.TryParseCursor(cursor, out var ordinal)
            ? ordinal
            : throw new AblyException(40011, 400, "Pagination sequence no longer valid: the channel's history has been reset since this page link was issued");
    }

    /// <summary>
    /// The history of a channel with no state: empty, unless the request reads back from an attach point (RTL10b), which
    /// cannot belong to a channel that does not exist (its state was lost in a restart), as for a foreign serial.
    /// </summary>
    private static List<StoredItem> NoHistory(RestExchange x) => FromSerial(x) is null
        ? []
        : throw new AblyException(40003, 400, "Invalid fromSerial: not a serial of this channel");

    /// <summary>RTL10b untilAttach: the spec names it fromSerial; ably-js 2.x sends from_serial. Accept both.</summary>
    private static string? FromSerial(RestExchange x) => x.Q("fromSerial") ?? x.Q("from_serial");

    private static (long? Start, long? End) Window(RestExchange x)
    {
        var start = x.QLong("start");
        var end = x.QLong("end");
        if (start is not null && end is not null && start > end)
        {
            throw new AblyException(40003, 400, "start must be before end");
        }

        return (start, end);
    }
}
