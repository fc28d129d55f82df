using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx;

/// <summary>
/// A capability: for each resource (channel name or pattern), the operations allowed on it. <see cref="ToJson"/> gives
/// the canonical form (resources and operations sorted) that is signed in a token request.
/// </summary>
public sealed class Capability
{
    private readonly SortedDictionary<string, SortedSet<string>> _resources = new(StringComparer.Ordinal);

    /// <summary>The capability that allows everything: <c>{"*":["*"]}</c>.</summary>
    public static Capability AllowAll => new Capability().Allow("*", "*");

    /// <summary>The resources and their operations.</summary>
    public IReadOnlyDictionary<string, IReadOnlyCollection<string>> Resources =>
        _resources.ToDictionary(kv => kv.Key, kv => (IReadOnlyCollection<string>)kv.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>Allows <paramref name="operations"/> on <paramref name="resource"/>; returns this instance.</summary>
    public Capability Allow(string resource, params string[] operations)
    {
        if (string.IsNullOrEmpty(resource))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A capability resource must not be empty.");
        }

        if (!_resources.TryGetValue(resource, out var set))
        {
            set = new SortedSet<string>(StringComparer.Ordinal);
            _resources[resource] = set;
        }

        foreach (var op in operations ?? Array.Empty<string>())
        {
            set.Add(op);
        }

        return this;
    }

    /// <summary>The canonical JSON string (sorted), as signed in a TokenRequest.</summary>
    public string ToJson()
    {
        var obj = new JObject();
        foreach (var (resource, ops) in _resources)
        {
            obj[resource] = new JArray(ops.Cast<object>().ToArray());
        }

        return obj.ToString(Formatting.None);
    }

    /// <summary>Parses a capability JSON string.</summary>
    /// <exception cref="AblyException">40000 when the text is not a capability object.</exception>
    public static Capability Parse(string json)
    {
        try
        {
            var obj = JObject.Parse(json);
            var capability = new Capability();
            foreach (var property in obj.Properties())
            {
                if (property.Value is not JArray ops)
                {
                    throw new AblyException(ErrorCodes.BadRequest, 400, $"Capability for '{property.Name}' must be an array of operations.");
                }

                capability.Allow(property.Name, ops.Select(o => o.Type == JTokenType.String ? (string)o! : throw new AblyException(ErrorCodes.BadRequest, 400, "Capability operations must be strings.")).ToArray());
            }

            return capability;
        }
        catch (JsonException ex)
        {
            throw new AblyException(ErrorCodes.BadRequest, 400, "Capability is not valid JSON.", ex);
        }
    }

    /// <inheritdoc />
    public override string ToString() => ToJson();
}
