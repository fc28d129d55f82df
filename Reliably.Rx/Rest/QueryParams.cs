using System.Globalization;

namespace Reliably.Rx.Rest;

/// <summary>Validates queries and turns them into REST query parameters.</summary>
internal static class QueryParams
{
    public const int MaxLimit = 1000;

    public static IReadOnlyList<KeyValuePair<string, string>> From(HistoryQuery? query)
    {
        query ??= HistoryQuery.Default;
        return Build(query.Start, query.End, query.Direction, query.Limit);
    }

    public static IReadOnlyList<KeyValuePair<string, string>> From(StatsQuery? query)
    {
        query ??= StatsQuery.Default;
        var list = new List<KeyValuePair<string, string>>(Build(query.Start, query.End, query.Direction, query.Limit));
        // RSC6b2, RSC6b4: a parameter left null is not sent, and the server applies its default.
        if (query.Unit is { } unit)
        {
            if (!Enum.IsDefined(unit))
            {
                throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Unknown stats unit.");
            }

            list.Add(new("unit", unit.ToString().ToLowerInvariant()));
        }

        return list;
    }

    public static void CheckLimit(int? limit)
    {
        if (limit is { } l && l is < 1 or > MaxLimit)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, $"Limit must be between 1 and {MaxLimit}.");
        }
    }

    private static List<KeyValuePair<string, string>> Build(DateTimeOffset? start, DateTimeOffset? end, PaginationDirection? direction, int? limit)
    {
        CheckLimit(limit);
        if (start is { } s && end is { } e && s > e)
        {
            // RSL2b1: start must not be later than end; an inverted interval is a client error, not an empty page.
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Start must not be later than End.");
        }

        if (direction is { } d && !Enum.IsDefined(d))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Unknown pagination direction.");
        }

        var list = new List<KeyValuePair<string, string>>();
        if (start is { } from)
        {
            list.Add(new("start", Ms(from)));
        }

        if (end is { } to)
        {
            list.Add(new("end", Ms(to)));
        }

        if (direction is { } order)
        {
            list.Add(new("direction", order == PaginationDirection.Forwards ? "forwards" : "backwards"));
        }
        if (limit is { } max)
        {
            list.Add(new("limit", max.ToString(CultureInfo.InvariantCulture)));
        }

        return list;
    }

    public static string Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
}
