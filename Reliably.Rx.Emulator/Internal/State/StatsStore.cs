using System.Globalization;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// App statistics: fixtures injected through POST /stats (sandbox G3) plus live per-minute message counts.
/// Coarser units are aggregated from minute records by summing numeric leaves.
/// </summary>
internal sealed class StatsStore
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, JObject> _minutes = new(StringComparer.Ordinal);
    private volatile MinuteKey? _lastKey;

    public void AddFixture(JObject record)
    {
        var intervalId = record.Value<string?>("intervalId") ?? throw new Protocol.AblyException(40000, 400, "Stats fixture requires intervalId");
        var (start, unit) = ParseIntervalId(intervalId);
        var key = Format(start, "minute");
        var copy = (JObject)record.DeepClone();
        copy["intervalId"] = key;
        copy["unit"] = "minute";
        lock (_gate)
        {
            if (_minutes.TryGetValue(key, out var existing))
            {
                Merge(existing, copy);
            }
            else
            {
                _minutes[key] = copy;
            }
        }

        _ = unit;
    }

    public void RecordMessages(long timestampMs, int count)
    {
        // Runs once per publish: the minute's key is formatted once per minute, and an existing record's two counters
        // are bumped in place (what Merge would do) instead of building and merging a JObject per message.
        var minute = Math.DivRem(timestampMs, 60_000, out var rem) - (rem < 0 ? 1 : 0);
        var cached = _lastKey;
        string key;
        if (cached is not null && cached.Minute == minute)
        {
            key = cached.Key;
        }
        else
        {
            key = Format(DateTimeOffset.FromUnixTimeMilliseconds(timestampMs).UtcDateTime, "minute");
            _lastKey = new MinuteKey(minute, key);
        }

        lock (_gate)
        {
            if (_minutes.TryGetValue(key, out var current) && current["entries"] is JObject entries)
            {
                AddCount(entries, "messages.all.all.count", count);
                AddCount(entries, "messages.all.messages.count", count);
                return;
            }
        }

        var live = new JObject
        {
            ["intervalId"] = key,
            ["unit"] = "minute",
            ["entries"] = new JObject
            {
                ["messages.all.all.count"] = count,
                ["messages.all.messages.count"] = count,
            },
        };
        lock (_gate)
        {
            if (_minutes.TryGetValue(key, out var existing))
            {
                Merge(existing, live);
            }
            else
            {
                _minutes[key] = live;
            }
        }
    }

    /// <summary>Stats records for the unit within [start, end], ascending by interval.</summary>
    public List<(DateTime Start, JObject Record)> Query(string unit, long? start, long? end, string appId)
    {
        List<KeyValuePair<string, JObject>> minutes;
        lock (_gate)
        {
            minutes = _minutes.Select(kv => new KeyValuePair<string, JObject>(kv.Key, (JObject)kv.Value.DeepClone())).ToList();
        }

        var buckets = new SortedDictionary<DateTime, JObject>();
        foreach (var (key, record) in minutes)
        {
            var (minute, _) = ParseIntervalId(key);
            var bucket = Truncate(minute, unit);
            if (buckets.TryGetValue(bucket, out var existing))
            {
                Merge(existing, record);
            }
            else
            {
                record["intervalId"] = Format(bucket, unit);
                record["unit"] = unit;
                buckets[bucket] = record;
            }
        }

        return buckets
            .Where(b => (start is null || ToMs(b.Key) + UnitLength(b.Key, unit) > start) && (end is null || ToMs(b.Key) <= end))
            .Select(b =>
            {
                b.Value["appId"] = appId;
                b.Value["schema"] ??= "https://schemas.ably.com/json/app-stats-0.0.5.json";
                return (b.Key, b.Value);
            })
            .ToList();
    }

    public static bool IsUnit(string unit) => unit is "minute" or "hour" or "day" or "month";

    private static long ToMs(DateTime t) => new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static long UnitLength(DateTime start, string unit) => unit switch
    {
        "minute" => 60_000,
        "hour" => 3_600_000,
        "day" => 86_400_000,
        _ => (long)(start.AddMonths(1) - start).TotalMilliseconds,
    };

    private static DateTime Truncate(DateTime t, string unit) => unit switch
    {
        "minute" => new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Utc),
        "hour" => new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc),
        "day" => new DateTime(t.Year, t.Month, t.Day, 0, 0, 0, DateTimeKind.Utc),
        _ => new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc),
    };

    private static string Format(DateTime t, string unit) => unit switch
    {
        "minute" => t.ToString("yyyy-MM-dd:HH:mm", CultureInfo.InvariantCulture),
        "hour" => t.ToString("yyyy-MM-dd:HH", CultureInfo.InvariantCulture),
        "day" => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => t.ToString("yyyy-MM", CultureInfo.InvariantCulture),
    };

    /// <summary>Parses <c>yyyy-mm[-dd[:hh[:mm]]]</c> interval ids.</summary>
    private static (DateTime Start, string Unit) ParseIntervalId(string id)
    {
        string[] formats = ["yyyy-MM-dd:HH:mm", "yyyy-MM-dd:HH", "yyyy-MM-dd", "yyyy-MM"];
        string[] units = ["minute", "hour", "day", "month"];
        for (var i = 0; i < formats.Length; i++)
        {
            if (DateTime.TryParseExact(id, formats[i], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            {
                return (DateTime.SpecifyKind(t, DateTimeKind.Utc), units[i]);
            }
        }

        throw new Protocol.AblyException(40000, 400, "Invalid stats intervalId: " + id);
    }

    private static void AddCount(JObject entries, string name, int count) =>
        entries[name] = entries[name] switch
        {
            JValue { Type: JTokenType.Integer } a => new JValue((long)a + count),
            JValue { Type: JTokenType.Float } a => new JValue((double)a + count),
            _ => new JValue((long)count),
        };

    private static void Merge(JObject target, JObject source)
    {
        foreach (var property in source.Properties())
        {
            if (property.Name is "intervalId" or "unit" or "schema" or "appId" or "inProgress")
            {
                continue;
            }

            var existing = target[property.Name];
            if (existing is JObject to && property.Value is JObject from)
            {
                Merge(to, from);
            }
            else if (existing is JValue { Type: JTokenType.Integer or JTokenType.Float } a
                && property.Value is JValue { Type: JTokenType.Integer or JTokenType.Float } b)
            {
                target[property.Name] = a.Type == JTokenType.Integer && b.Type == JTokenType.Integer
                    ? new JValue((long)a + (long)b)
                    : new JValue((double)a + (double)b);
            }
            else
            {
                target[property.Name] = property.Value.DeepClone();
            }
        }
    }

    private sealed record MinuteKey(long Minute, string Key);
}
