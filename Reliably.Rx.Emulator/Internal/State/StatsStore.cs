using System.Globalization;
using System.Runtime.InteropServices;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// App statistics (RSC6, TS12): fixtures posted to /stats (sandbox G3) plus live per-minute counts of published
/// messages, kept as minute records of flat <c>entries</c>. Coarser units are aggregated from the minutes by summing.
/// </summary>
internal sealed class StatsStore
{
    public const string Schema = "https://schemas.ably.com/json/app-stats-0.0.5.json";
    private static readonly string[] IntervalFormats = ["yyyy-MM-dd:HH:mm", "yyyy-MM-dd:HH", "yyyy-MM-dd", "yyyy-MM"];
    private readonly object _gate = new();
    private static readonly (string Count, string Data)[] RealtimeEntries = InboundEntries("realtime");
    private static readonly (string Count, string Data)[] RestEntries = InboundEntries("rest");
    private readonly SortedDictionary<long, JObject> _minutes = [];

    // Counts not yet folded into _minutes: bumping twelve JObject entries per publish cost about 1 KB of JValues and
    // boxes per message, so publishes only add to these totals and readers fold them in first.
    private readonly Dictionary<(long Minute, bool Realtime), (long Count, long Bytes)> _live = [];

    public void AddFixture(JObject record)
    {
        var intervalId = record.Value<string?>("intervalId") ?? throw new AblyException(40000, 400, "Stats fixture requires intervalId");
        var minute = ParseIntervalId(intervalId) ?? throw new AblyException(40000, 400, "Invalid stats intervalId: " + intervalId);
        var entries = StatsEntries.FromFixture(record);
        lock (_gate)
        {
            FoldLive();
            Add(minute, entries);
        }
    }

    /// <summary>Counts messages published at <paramref name="timestampMs"/> over realtime or REST (inbound, per TS12).</summary>
    public void RecordMessages(long timestampMs, int count, long bytes, bool realtime)
    {
        var minute = timestampMs - (((timestampMs % 60_000) + 60_000) % 60_000);
        lock (_gate)
        {
            ref var live = ref CollectionsMarshal.GetValueRefOrAddDefault(_live, (minute, realtime), out _);
            live = (live.Count + count, live.Bytes + bytes);
        }
    }

    /// <summary>Folds the live counts into the minute records. Callers hold the lock.</summary>
    private void FoldLive()
    {
        foreach (var ((minute, realtime), (count, bytes)) in _live)
        {
            if (!_minutes.TryGetValue(minute, out var entries))
            {
                _minutes[minute] = entries = new JObject();
            }

            foreach (var (countName, dataName) in realtime ? RealtimeEntries : RestEntries)
            {
                Bump(entries, countName, count);
                Bump(entries, dataName, bytes);
            }
        }

        _live.Clear();
    }

    private static (string Count, string Data)[] InboundEntries(string transport) =>
        new[] { $"messages.inbound.{transport}.messages", $"messages.inbound.{transport}.all", "messages.inbound.all.messages",
            "messages.inbound.all.all", "messages.all.messages", "messages.all.all" }.Select(p => (p + ".count", p + ".data")).ToArray();

    /// <summary>
    /// Stats records for the unit whose intervals overlap [start, end], ascending. The interval holding
    /// <paramref name="nowMs"/> is still in progress: it says up to which minute it counts (TS12q).
    /// </summary>
    public List<(long Start, JObject Record)> Query(string unit, long? start, long? end, string appId, long nowMs)
    {
        var buckets = new SortedDictionary<long, JObject>();
        var latest = new Dictionary<long, long>();
        lock (_gate)
        {
            FoldLive();
            foreach (var (minute, entries) in _minutes)
            {
                var bucket = Truncate(minute, unit);
                if (!buckets.TryGetValue(bucket, out var sum))
                {
                    buckets[bucket] = sum = new JObject();
                }

                Merge(sum, entries);
                latest[bucket] = minute;
            }
        }

        var result = new List<(long Start, JObject Record)>();
        foreach (var (bucket, entries) in buckets)
        {
            var bucketEnd = Next(bucket, unit);
            if ((start is not null && bucketEnd <= start) || (end is not null && bucket > end))
            {
                continue;
            }

            var record = new JObject
            {
                ["appId"] = appId,
                ["intervalId"] = Format(bucket, unit),
                ["unit"] = unit,
                ["schema"] = Schema,
                ["entries"] = entries,
            };
            if (nowMs >= bucket && nowMs < bucketEnd)
            {
                record["inProgress"] = Time(latest[bucket]).ToString("yyyy-MM-dd:HH:mm:ss", CultureInfo.InvariantCulture);
            }

            result.Add((bucket, record));
        }

        return result;
    }

    public static bool IsUnit(string unit) => unit is "minute" or "hour" or "day" or "month";

    /// <summary>
    /// A stats <c>start</c>/<c>end</c> (RSC6b1): milliseconds since the epoch, or an interval id
    /// (<c>yyyy-mm-dd:hh:mm</c>, <c>yyyy-mm-dd:hh</c>, <c>yyyy-mm-dd</c>, <c>yyyy-mm</c>) meaning the start of that interval.
    /// </summary>
    public static long ParseTime(string name, string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        return ParseIntervalId(text) ?? throw new AblyException(40003, 400, $"Invalid value for parameter {name}: {text}");
    }

    private static long? ParseIntervalId(string id)
    {
        foreach (var format in IntervalFormats)
        {
            if (DateTime.TryParseExact(id, format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            {
                return new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
            }
        }

        return null;
    }

    private void Add(long minute, JObject entries)
    {
        if (_minutes.TryGetValue(minute, out var existing))
        {
            Merge(existing, entries);
        }
        else
        {
            _minutes[minute] = (JObject)entries.DeepClone();
        }
    }

    private static DateTime Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;

    private static long Ms(DateTime t) => new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static long Truncate(long minute, string unit)
    {
        var t = Time(minute);
        return Ms(unit switch
        {
            "minute" => t,
            "hour" => new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc),
            "day" => t.Date,
            _ => new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc),
        });
    }

    private static long Next(long start, string unit) => unit switch
    {
        "minute" => start + 60_000,
        "hour" => start + 3_600_000,
        "day" => start + 86_400_000,
        _ => Ms(Time(start).AddMonths(1)),
    };

    private static string Format(long start, string unit) =>
        Time(start).ToString(unit switch
        {
            "minute" => "yyyy-MM-dd:HH:mm",
            "hour" => "yyyy-MM-dd:HH",
            "day" => "yyyy-MM-dd",
            _ => "yyyy-MM",
        }, CultureInfo.InvariantCulture);

    private static void Bump(JObject entries, string name, long amount) =>
        entries[name] = entries[name] is JValue { Type: JTokenType.Integer } current ? new JValue((long)current + amount) : new JValue(amount);

    private static void Merge(JObject target, JObject source)
    {
        foreach (var (name, value) in source)
        {
            target[name] = (target[name], value) switch
            {
                (JValue { Type: JTokenType.Integer } a, JValue { Type: JTokenType.Integer } b) => new JValue((long)a + (long)b),
                (JValue { Type: JTokenType.Integer or JTokenType.Float } a, JValue { Type: JTokenType.Integer or JTokenType.Float } b) =>
                    new JValue(Convert.ToDouble(a.Value, CultureInfo.InvariantCulture) + Convert.ToDouble(b.Value, CultureInfo.InvariantCulture)),
                _ => value?.DeepClone(),
            };
        }
    }
}
