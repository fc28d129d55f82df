using System.Text.Encodings.Web;
using System.Text.Json;

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
    /// <remarks>
    /// Only what JSON requires is escaped (quotes, backslashes, control characters): the text is signed as written, so
    /// a resource such as <c>a&amp;b</c> or <c>café</c> stays as the application wrote it (RSA9f).
    /// </remarks>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            foreach (var (resource, ops) in _resources)
            {
                w.WriteStartArray(resource);
                foreach (var op in ops)
                {
                    w.WriteStringValue(op);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Parses a capability JSON string: an object whose values are arrays of operation strings.</summary>
    /// <exception cref="AblyException">40000 when the text is not a capability object.</exception>
    public static Capability Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, ParseOptions);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new AblyException(ErrorCodes.BadRequest, 400, "A capability must be a JSON object of resources and their operations.");
            }

            var capability = new Capability();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Array)
                {
                    throw new AblyException(ErrorCodes.BadRequest, 400, $"Capability for '{property.Name}' must be an array of operations.");
                }

                // A resource named twice keeps its last operations, as a JSON object's last duplicate wins.
                capability._resources.Remove(property.Name);
                capability.Allow(property.Name, property.Value.EnumerateArray().Select(Operation).ToArray());
            }

            return capability;
        }
        catch (JsonException ex)
        {
            throw new AblyException(ErrorCodes.BadRequest, 400, "Capability is not valid JSON.", ex);
        }
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonDocumentOptions ParseOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private static string Operation(JsonElement op) =>
        op.ValueKind == JsonValueKind.String
            ? op.GetString()!
            : throw new AblyException(ErrorCodes.BadRequest, 400, "Capability operations must be strings.");

    /// <inheritdoc />
    public override string ToString() => ToJson();
}
