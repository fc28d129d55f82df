using System.Globalization;

namespace Reliably.Rx;

/// <summary>
/// Application statistics for one interval (TS12, stats schema app-stats-0.0.5): flat metric entries such as
/// <c>messages.all.all.count</c>.
/// </summary>
public sealed record Stats
{
    /// <summary>The application id.</summary>
    public string? AppId { get; init; }

    /// <summary>The interval id, <c>yyyy-mm-dd:hh:mm</c> (shorter for coarser units).</summary>
    public string IntervalId { get; init; } = string.Empty;

    /// <summary>The granularity: minute, hour, day or month.</summary>
    public string? Unit { get; init; }

    /// <summary>For the current interval, the time up to which the figures are complete.</summary>
    public string? InProgress { get; init; }

    /// <summary>The metrics of the interval, keyed by dotted metric name.</summary>
    public IReadOnlyDictionary<string, double> Entries { get; init; } = new Dictionary<string, double>();

    /// <summary>The JSON schema the entries follow.</summary>
    public string? Schema { get; init; }

    /// <summary>The start of the interval, parsed from <see cref="IntervalId"/> (UTC); null if it cannot be parsed.</summary>
    public DateTimeOffset? IntervalTime
    {
        get
        {
            string[] formats = { "yyyy-MM-dd:HH:mm", "yyyy-MM-dd:HH", "yyyy-MM-dd", "yyyy-MM" };
            return DateTimeOffset.TryParseExact(IntervalId, formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
        }
    }

    /// <summary>An entry's value, or 0 when the interval has none.</summary>
    public double this[string metric] => Entries.TryGetValue(metric, out var v) ? v : 0;
}
