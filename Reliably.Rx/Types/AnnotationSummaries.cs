using Newtonsoft.Json.Linq;

namespace Reliably.Rx;

/// <summary>
/// Typed views of the entries of <see cref="MessageAnnotations.Summary"/> (TM7b), one per aggregation. Pick the one
/// that the annotation type names (the part after the colon); the client never picks for you (TM7a), so a type it does
/// not know stays readable as JSON.
/// </summary>
/// <example><code>
/// var likes = AnnotationSummaries.DistinctV1(message.Annotations!.Summary["reaction:distinct.v1"]);
/// Console.WriteLine(likes["👍"].Total);
/// </code></example>
public static class AnnotationSummaries
{
    /// <summary>A <c>distinct.v1</c> entry (TM7b1): per name, the clients that published it.</summary>
    /// <exception cref="AblyException">40013 when the entry does not have this structure.</exception>
    public static IReadOnlyDictionary<string, SummaryClientIdList> DistinctV1(JObject entry) => PerName(entry, ClientIdList);

    /// <summary>A <c>unique.v1</c> entry (TM7b2): per name, the clients whose one annotation of the type it is.</summary>
    /// <exception cref="AblyException">40013 when the entry does not have this structure.</exception>
    public static IReadOnlyDictionary<string, SummaryClientIdList> UniqueV1(JObject entry) => PerName(entry, ClientIdList);

    /// <summary>A <c>multiple.v1</c> entry (TM7b3): per name, the counts each client contributed.</summary>
    /// <exception cref="AblyException">40013 when the entry does not have this structure.</exception>
    public static IReadOnlyDictionary<string, SummaryClientIdCounts> MultipleV1(JObject entry) => PerName(entry, ClientIdCounts);

    /// <summary>A <c>flag.v1</c> entry (TM7b4): the clients that flagged the message.</summary>
    /// <exception cref="AblyException">40013 when the entry does not have this structure.</exception>
    public static SummaryClientIdList FlagV1(JObject entry) => Read(entry, ClientIdList);

    /// <summary>A <c>total.v1</c> entry (TM7b5): how many annotations of the type there are.</summary>
    /// <exception cref="AblyException">40013 when the entry does not have this structure.</exception>
    public static SummaryTotal TotalV1(JObject entry) => Read(entry, e => new SummaryTotal { Total = Long(e, "total") });

    private static IReadOnlyDictionary<string, T> PerName<T>(JObject entry, Func<JObject, T> read) =>
        Read(entry, e => e.Properties().ToDictionary(p => p.Name, p => read(p.Value as JObject ?? throw Malformed("'" + p.Name + "' is not an object")), StringComparer.Ordinal));

    private static SummaryClientIdList ClientIdList(JObject e) => new()
    {
        Total = Long(e, "total"),
        ClientIds = e["clientIds"] is JArray ids ? ids.Select(id => (string?)id ?? throw Malformed("a clientId is null")).ToArray() : Array.Empty<string>(),
        Clipped = (bool?)e["clipped"] ?? false,
    };

    private static SummaryClientIdCounts ClientIdCounts(JObject e) => new()
    {
        Total = Long(e, "total"),
        ClientIds = e["clientIds"] is JObject ids ? ids.Properties().ToDictionary(p => p.Name, p => (long)p.Value, StringComparer.Ordinal) : new Dictionary<string, long>(),
        Clipped = (bool?)e["clipped"] ?? false,
        TotalUnidentified = Long(e, "totalUnidentified"),
        TotalClientIds = Long(e, "totalClientIds"),
    };

    private static long Long(JObject e, string key) => (long?)e[key] ?? 0;

    private static T Read<T>(JObject entry, Func<JObject, T> read)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            return read(entry);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            throw Malformed(e.Message);
        }
    }

    private static AblyException Malformed(string why) =>
        new(ErrorCodes.InvalidMessageDataOrEncoding, 400, "The summary entry does not have the structure of its aggregation: " + why);
}
