using System.Globalization;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// The channel params of an ATTACH (RTL4k) as Ably treats them: the recognised ones (<c>rewind</c>, <c>delta</c>,
/// <c>occupancy</c>, <c>echo</c>, <c>modes</c>) are validated and echoed in ATTACHED (RTL4k1); unrecognised ones are
/// dropped rather than echoed, so the client sees exactly what took effect.
/// </summary>
internal sealed class ChannelParams
{
    private static readonly Dictionary<string, int> ModeNames = new(StringComparer.Ordinal)
    {
        ["presence"] = Flags.Presence,
        ["publish"] = Flags.Publish,
        ["subscribe"] = Flags.Subscribe,
        ["presence_subscribe"] = Flags.PresenceSubscribe,
        ["annotation_publish"] = Flags.AnnotationPublish,
        ["annotation_subscribe"] = Flags.AnnotationSubscribe,
        ["object_publish"] = Flags.ObjectPublish,
        ["object_subscribe"] = Flags.ObjectSubscribe,
    };

    private readonly SortedDictionary<string, string> _values;

    private ChannelParams(SortedDictionary<string, string> values, int? modes, TimeSpan? rewindSpan, int? rewindCount)
    {
        _values = values;
        Modes = modes;
        RewindSpan = rewindSpan;
        RewindCount = rewindCount;
    }

    /// <summary>Mode flags from <c>params.modes</c>; when present they replace the ATTACH flags' modes.</summary>
    public int? Modes { get; }

    /// <summary><c>rewind=10s</c> style: replay what was published within this span.</summary>
    public TimeSpan? RewindSpan { get; }

    /// <summary><c>rewind=N</c>: replay the last N messages (at most 100, as on Ably).</summary>
    public int? RewindCount { get; }

    public bool HasRewind => RewindSpan is not null || RewindCount is not null;

    /// <summary>False for <c>echo=false</c>: this attachment does not receive its own connection's messages.</summary>
    public bool Echo => !_values.TryGetValue("echo", out var echo) || echo != "false";

    /// <summary>True for <c>delta=vcdiff</c>.</summary>
    public bool Delta => _values.ContainsKey("delta");

    /// <summary>True when <c>occupancy</c> asks for inband <c>[meta]occupancy</c> events.</summary>
    public bool Occupancy => _values.ContainsKey("occupancy");

    /// <summary>
    /// Merges the params of a qualified name (<c>[?rewind=1]name</c>) with the ATTACH params (which win) and validates
    /// the recognised ones; an invalid value fails the attach with 40003.
    /// </summary>
    public static ChannelParams Resolve(IReadOnlyDictionary<string, string> qualifierParams, JObject? attachParams)
    {
        var raw = new Dictionary<string, string>(qualifierParams, StringComparer.Ordinal);
        if (attachParams is not null)
        {
            foreach (var property in attachParams.Properties())
            {
                // Values are strings on the wire (TB2c) but some clients send numbers or booleans, e.g. rewind: 1.
                raw[property.Name] = property.Value switch
                {
                    JValue { Type: JTokenType.String } s => (string)s!,
                    JValue { Type: JTokenType.Boolean } b => (bool)b ? "true" : "false",
                    JValue { Type: JTokenType.Integer or JTokenType.Float } n => Convert.ToString(n.Value, CultureInfo.InvariantCulture)!,
                    _ => throw Bad(property.Name, property.Value.ToString(Newtonsoft.Json.Formatting.None)),
                };
            }
        }

        var values = new SortedDictionary<string, string>(StringComparer.Ordinal);
        int? modes = null;
        TimeSpan? span = null;
        int? count = null;
        foreach (var (name, value) in raw)
        {
            switch (name)
            {
                case "rewind":
                    (span, count) = ParseRewind(value);
                    break;
                case "delta":
                    if (value != "vcdiff")
                    {
                        throw Bad(name, value);
                    }

                    break;
                case "occupancy":
                    if (value != "metrics" && !value.StartsWith("metrics.", StringComparison.Ordinal))
                    {
                        throw Bad(name, value);
                    }

                    break;
                case "echo":
                    if (value is not ("true" or "false"))
                    {
                        throw Bad(name, value);
                    }

                    break;
                case "modes":
                    modes = ParseModes(value);
                    break;
                default:
                    continue;
            }

            values[name] = value;
        }

        return new ChannelParams(values, modes, span, count);
    }

    /// <summary>The params to echo in ATTACHED, or null when there are none.</summary>
    public JObject? ToAttached()
    {
        if (_values.Count == 0)
        {
            return null;
        }

        var result = new JObject();
        foreach (var (name, value) in _values)
        {
            result[name] = value;
        }

        return result;
    }

    private static (TimeSpan? Span, int? Count) ParseRewind(string value)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return (null, Math.Min(count, 100));
        }

        if (value.Length >= 2 && long.TryParse(value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 1_000_000)
        {
            TimeSpan? span = value[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                _ => null,
            };
            if (span is not null)
            {
                return (span, null);
            }
        }

        throw Bad("rewind", value);
    }

    private static int ParseModes(string value)
    {
        var modes = 0;
        foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            modes |= ModeNames.TryGetValue(name.ToLowerInvariant(), out var flag) ? flag : throw Bad("modes", value);
        }

        return modes != 0 ? modes : throw Bad("modes", value);
    }

    private static AblyException Bad(string name, string value) =>
        new(40003, 400, $"Invalid channel parameter value: {name}={value}");
}
