using Newtonsoft.Json.Linq;

namespace Reliably.Rx;

/// <summary>
/// What a message's annotations add up to (TM2u, TM8): its <see cref="Summary"/>, one entry per annotation type. A
/// received message always has one, empty when the wire carried none (TM2u, TM8a).
/// </summary>
/// <remarks>
/// The entries are the JSON the server sent (TM8a1: a type the client does not know keeps its structure); read one in a
/// typed form with <see cref="AnnotationSummaries"/> (TM7), which the client never does on its own (TM7a).
/// </remarks>
public sealed record MessageAnnotations
{
    private static readonly IReadOnlyDictionary<string, JObject> NoEntries = new Dictionary<string, JObject>();

    // The annotations object as received, written back as it is so that the codecs lose nothing; cleared when the
    // summary is replaced, so that a copy made with `with` writes its own summary.
    private JObject? _wire;
    private IReadOnlyDictionary<string, JObject> _summary = NoEntries;

    /// <summary>An empty summary.</summary>
    public static MessageAnnotations Empty { get; } = new();

    /// <summary>
    /// The summary per annotation type (TM8a): the key is the type (for example <c>reaction:distinct.v1</c>), the value
    /// the aggregate the server keeps for it. Never null.
    /// </summary>
    public IReadOnlyDictionary<string, JObject> Summary
    {
        get => _summary;
        init
        {
            _summary = value ?? NoEntries;
            _wire = null;
        }
    }

    /// <summary>True when the summary has at least one entry.</summary>
    internal bool HasSummary => _summary.Count > 0;

    /// <summary>Reads the <c>annotations</c> object of a message; entries that are not objects are kept for the wire only.</summary>
    internal static MessageAnnotations FromWire(JObject wire)
    {
        var summary = new Dictionary<string, JObject>(StringComparer.Ordinal);
        if (wire["summary"] is JObject entries)
        {
            foreach (var entry in entries.Properties())
            {
                if (entry.Value is JObject value)
                {
                    summary[entry.Name] = value;
                }
            }
        }

        return new MessageAnnotations { Summary = summary, _wire = wire };
    }

    /// <summary>The <c>annotations</c> object to write, or null when there is nothing to write.</summary>
    internal JObject? ToWire()
    {
        if (_wire is not null)
        {
            return _wire;
        }

        if (_summary.Count == 0)
        {
            return null;
        }

        var entries = new JObject();
        foreach (var (type, value) in _summary)
        {
            entries[type] = value;
        }

        return new JObject { ["summary"] = entries };
    }

    /// <summary>Equal when both summaries hold the same types with JSON-equal entries.</summary>
    public bool Equals(MessageAnnotations? other) =>
        other is not null && other._summary.Count == _summary.Count
        && _summary.All(kv => other._summary.TryGetValue(kv.Key, out var value) && JToken.DeepEquals(kv.Value, value));

    /// <inheritdoc />
    public override int GetHashCode() => _summary.Count;

    /// <inheritdoc />
    public override string ToString() => $"MessageAnnotations {{ Summary = [{string.Join(", ", _summary.Keys)}] }}";
}
