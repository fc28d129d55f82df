using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.Auth;

/// <summary>A parsed capability: resource pattern → operations (PROTOCOL.md 7.2).</summary>
internal sealed class Capability
{
    /// <summary>The operations a capability may grant (PROTOCOL.md 7.2), and <c>*</c> for all of them.</summary>
    private static readonly HashSet<string> Operations = new(StringComparer.Ordinal)
    {
        "*", "publish", "subscribe", "presence", "history", "stats", "channel-metadata", "push-subscribe", "push-admin",
        "privileged-headers", "object-subscribe", "object-publish", "annotation-subscribe", "annotation-publish",
        "message-update-own", "message-update-any", "message-delete-own", "message-delete-any",
    };

    private readonly List<KeyValuePair<string, HashSet<string>>> _entries;

    private Capability(List<KeyValuePair<string, HashSet<string>>> entries, string text)
    {
        _entries = entries;
        Text = text;
    }

    public static Capability All { get; } = Parse("{\"*\":[\"*\"]}");

    /// <summary>The canonical JSON text (as returned in TokenDetails).</summary>
    public string Text { get; }

    public static Capability Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return All;
        }

        JObject obj;
        try
        {
            obj = JsonTree.Read(json) as JObject ?? throw new FormatException("capability must be an object");
        }
        catch (Exception ex) when (ex is not AblyException)
        {
            throw new AblyException(40000, 400, "Invalid capability: " + ex.Message);
        }

        var entries = new List<KeyValuePair<string, HashSet<string>>>();
        foreach (var property in obj.Properties())
        {
            var ops = property.Value is JArray a
                ? a.Select(t => t.Type == JTokenType.String ? (string)t! : throw Invalid("operations must be strings", property.Name)).ToList()
                : throw Invalid("operations must be an array", property.Name);

            // Ably refuses an empty operation list, an unknown operation, and "*" alongside others (it already means all).
            if (ops.Count == 0)
            {
                throw Invalid("no operations", property.Name);
            }

            if (ops.FirstOrDefault(op => !Operations.Contains(op)) is { } unknown)
            {
                throw Invalid("unknown operation '" + unknown + "'", property.Name);
            }

            if (ops.Count > 1 && ops.Contains("*"))
            {
                throw Invalid("'*' must be the only operation", property.Name);
            }

            entries.Add(new(property.Name, new HashSet<string>(ops, StringComparer.Ordinal)));
        }

        return new Capability(entries, Canonical(entries));
    }

    private static AblyException Invalid(string why, string resource) =>
        new(40000, 400, $"Invalid capability for resource '{resource}': {why}");

    /// <summary>True if any resource pattern matching <paramref name="channel"/> grants <paramref name="operation"/>.</summary>
    public bool Allows(string channel, string operation)
    {
        // A loop, not LINQ: this runs on every publish.
        foreach (var e in _entries)
        {
            if (ResourceMatches(e.Key, channel) && (e.Value.Contains("*") || e.Value.Contains(operation)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True if some resource grants the operation (for app-level operations such as stats).</summary>
    public bool AllowsAnywhere(string operation) =>
        _entries.Any(e => e.Value.Contains("*") || e.Value.Contains(operation));

    /// <summary>True if the capability grants anything at all on the channel.</summary>
    public bool HasAny(string channel) => _entries.Any(e => ResourceMatches(e.Key, channel) && e.Value.Count > 0);

    /// <summary>
    /// The capability a token gets when <paramref name="requested"/> is asked of a key holding this one: each requested
    /// (resource, op) kept only if this capability covers it. Wildcard resources in the request are treated literally,
    /// so they are covered only by an equal or broader pattern.
    /// </summary>
    public Capability Intersect(Capability requested)
    {
        var result = new List<KeyValuePair<string, HashSet<string>>>();
        foreach (var (resource, ops) in requested._entries)
        {
            var kept = new HashSet<string>(StringComparer.Ordinal);
            foreach (var op in ops)
            {
                if (op == "*")
                {
                    if (_entries.Any(e => PatternCovers(e.Key, resource) && e.Value.Contains("*")))
                    {
                        kept.Add("*");
                    }
                    else
                    {
                        foreach (var e in _entries.Where(e => PatternCovers(e.Key, resource)))
                        {
                            kept.UnionWith(e.Value);
                        }
                    }
                }
                else if (_entries.Any(e => PatternCovers(e.Key, resource) && (e.Value.Contains("*") || e.Value.Contains(op))))
                {
                    kept.Add(op);
                }
            }

            if (kept.Count > 0)
            {
                result.Add(new(resource, kept));
            }
        }

        if (result.Count == 0)
        {
            throw new AblyException(40160, 401, "Requested capability is not permitted by the key");
        }

        return new Capability(result, Canonical(result));
    }

    private static bool PatternCovers(string pattern, string resource)
    {
        if (pattern == resource || pattern == "[*]*")
        {
            return true;
        }

        if (resource.StartsWith('[') || resource == "[*]*")
        {
            return false;
        }

        if (pattern == "*")
        {
            return true;
        }

        return pattern.EndsWith(":*", StringComparison.Ordinal) && resource.StartsWith(pattern[..^1], StringComparison.Ordinal);
    }

    private static bool ResourceMatches(string pattern, string channel)
    {
        if (pattern == "[*]*")
        {
            return true;
        }

        var qualified = channel.StartsWith('[');
        if (pattern.StartsWith('['))
        {
            // [qualifier]name: match the qualifier literally (or [*]) and the name with the ordinary rules.
            var close = pattern.IndexOf(']');
            if (close < 0 || !qualified)
            {
                return false;
            }

            var channelClose = channel.IndexOf(']');
            if (channelClose < 0)
            {
                return false;
            }

            var qualifierMatches = pattern[..(close + 1)] == "[*]" || pattern[..(close + 1)] == channel[..(channelClose + 1)];
            return qualifierMatches && NameMatches(pattern[(close + 1)..], channel[(channelClose + 1)..]);
        }

        if (qualified)
        {
            var channelClose = channel.IndexOf(']');
            channel = channelClose < 0 ? channel : channel[(channelClose + 1)..];
        }

        return NameMatches(pattern, channel);
    }

    private static bool NameMatches(string pattern, string name)
    {
        if (pattern == "*" || pattern == name)
        {
            return true;
        }

        // A trailing ":*" matches any number of further segments.
        return pattern.EndsWith(":*", StringComparison.Ordinal)
            && name.StartsWith(pattern[..^1], StringComparison.Ordinal)
            && name.Length > pattern.Length - 1;
    }

    private static string Canonical(List<KeyValuePair<string, HashSet<string>>> entries)
    {
        var obj = new JObject();
        foreach (var (resource, ops) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            obj[resource] = new JArray(ops.OrderBy(o => o, StringComparer.Ordinal));
        }

        return obj.ToString(Newtonsoft.Json.Formatting.None);
    }
}
