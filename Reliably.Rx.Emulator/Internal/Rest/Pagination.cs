using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Reliably.Rx.Emulator.Internal.Rest;

/// <summary>
/// Cursor pagination and the Link header in the only shape ably-js parses (PROTOCOL.md 7.1):
/// <c>&lt;./resource?query&gt;; rel="next"</c>, relative to the request path, with no commas inside URLs.
/// </summary>
internal static class Pagination
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static int Limit(RestExchange exchange)
    {
        var limit = exchange.QLong("limit") ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit)
        {
            throw new Protocol.AblyException(40003, 400, "limit must be between 1 and 1000");
        }

        return (int)limit;
    }

    public static bool Backwards(RestExchange exchange, bool defaultBackwards = true)
    {
        var direction = exchange.Q("direction");
        return direction switch
        {
            null or "" => defaultBackwards,
            "backwards" => true,
            "forwards" => false,
            _ => throw new Protocol.AblyException(40003, 400, "direction must be forwards or backwards"),
        };
    }

    /// <summary>Takes one page from <paramref name="ordered"/> (already in output order) starting at cursor <c>from</c>.</summary>
    public static (List<T> Page, long? Next) Page<T>(IReadOnlyList<T> ordered, Func<T, long> cursor, long? from, int limit, bool descending)
    {
        var start = 0;
        if (from is { } f)
        {
            while (start < ordered.Count && (descending ? cursor(ordered[start]) > f : cursor(ordered[start]) < f))
            {
                start++;
            }
        }

        var page = ordered.Skip(start).Take(limit).ToList();
        long? next = start + limit < ordered.Count ? cursor(ordered[start + limit]) : null;
        return (page, next);
    }

    public static void SetLinks(RestExchange exchange, string resource, int limit, bool backwards, long? next) =>
        SetLinks(exchange, resource, limit, backwards, next?.ToString(CultureInfo.InvariantCulture));

    /// <summary>The links of a page whose next-page cursor is <paramref name="next"/> (opaque to the client).</summary>
    public static void SetLinks(RestExchange exchange, string resource, int limit, bool backwards, string? next)
    {
        var baseQuery = new List<KeyValuePair<string, string>>();
        foreach (var (key, values) in exchange.Query)
        {
            if (key is "from" or "limit" or "direction" or "envelope")
            {
                continue;
            }

            baseQuery.Add(new(key, values.ToString()));
        }

        baseQuery.Add(new("limit", limit.ToString(CultureInfo.InvariantCulture)));
        baseQuery.Add(new("direction", backwards ? "backwards" : "forwards"));
        var links = new List<string> { Link(resource, baseQuery, "first") };
        var current = new List<KeyValuePair<string, string>>(baseQuery);
        if (exchange.Q("from") is { } currentFrom)
        {
            current.Add(new("from", currentFrom));
        }

        links.Add(Link(resource, current, "current"));
        if (next is { } n)
        {
            links.Add(Link(resource, [.. baseQuery, new("from", n)], "next"));
        }

        exchange.Context.Response.Headers.Append("Link", string.Join(", ", links));
    }

    private static string Link(string resource, IEnumerable<KeyValuePair<string, string>> query, string rel)
    {
        var sb = new StringBuilder("<./").Append(resource).Append('?');
        sb.Append(string.Join('&', query.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value))));
        return sb.Append(">; rel=\"").Append(rel).Append('"').ToString();
    }
}
