using System.Text.RegularExpressions;

namespace Reliably.Rx.Http;

/// <summary>
/// The <c>Link</c> header of a paginated response (TG, PROTOCOL.md 7.1): for each relation (first, current, next),
/// the query to re-issue on the same path. The cursor values are opaque.
/// </summary>
internal sealed partial class PageLinks
{
    public static readonly PageLinks None = new(new Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>>());

    private readonly IReadOnlyDictionary<string, IReadOnlyList<KeyValuePair<string, string>>> _relations;

    private PageLinks(IReadOnlyDictionary<string, IReadOnlyList<KeyValuePair<string, string>>> relations) => _relations = relations;

    public IReadOnlyList<KeyValuePair<string, string>>? Next => Get("next");

    public IReadOnlyList<KeyValuePair<string, string>>? First => Get("first");

    public IReadOnlyList<KeyValuePair<string, string>>? Current => Get("current");

    public IReadOnlyList<KeyValuePair<string, string>>? Get(string relation) =>
        _relations.TryGetValue(relation, out var query) ? query : null;

    /// <summary>Parses <c>&lt;./messages?a=1&amp;b=2&gt;; rel="next", ...</c>; unparseable entries are ignored.</summary>
    public static PageLinks Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return None;
        }

        var relations = new Dictionary<string, IReadOnlyList<KeyValuePair<string, string>>>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in LinkEntry().Matches(header))
        {
            var url = match.Groups["url"].Value;
            var question = url.IndexOf('?', StringComparison.Ordinal);
            var query = question < 0 ? string.Empty : url[(question + 1)..];
            foreach (var rel in match.Groups["rel"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                relations[rel] = ParseQuery(query);
            }
        }

        return new PageLinks(relations);
    }

    internal static IReadOnlyList<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var part in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? string.Empty : part[(eq + 1)..];
            result.Add(new(Unescape(name), Unescape(value)));
        }

        return result;
    }

    private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    [GeneratedRegex("<(?<url>[^>]*)>\\s*;\\s*rel=\"(?<rel>[^\"]+)\"", RegexOptions.CultureInvariant)]
    private static partial Regex LinkEntry();
}
