using System.Reflection;
using System.Text;

namespace Reliably.Rx.Security;

/// <summary>
/// Prints the members of an options record for its <c>ToString()</c> without its secrets: a key shows only its key name,
/// a token and a signature only that they are set, header and parameter maps only their names. Everything else prints
/// as the compiler-generated record printer would.
/// </summary>
internal static class Redacted
{
    private const string Set = "(redacted)";

    /// <summary>Appends <c>Name = value</c> pairs of every public instance property, redacting those named in <paramref name="secrets"/>.</summary>
    public static bool PrintMembers(object record, StringBuilder builder, params string[] secrets)
    {
        var first = true;
        foreach (var property in record.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            if (!first)
            {
                builder.Append(", ");
            }

            first = false;
            builder.Append(property.Name).Append(" = ");
            var value = property.GetValue(record);
            builder.Append(secrets.Contains(property.Name) ? Secret(property.Name, value) : value is null ? string.Empty : Describe(value));
        }

        return true;
    }

    /// <summary>An API key (a property named Key) as its key name, the part before the secret; any other secret as a marker.</summary>
    private static string Secret(string name, object? value) => value switch
    {
        null => string.Empty,
        string s when name == "Key" && s.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon => s[..colon] + ":" + Set,
        IEnumerable<KeyValuePair<string, string>> map => "[" + string.Join(", ", map.Select(kv => kv.Key + " = " + Set)) + "]",
        _ => Set,
    };

    private static string Describe(object value) => value switch
    {
        string s => s,
        IEnumerable<KeyValuePair<string, string>> map => "[" + string.Join(", ", map.Select(kv => kv.Key + " = " + kv.Value)) + "]",
        _ => value.ToString() ?? string.Empty,
    };
}
