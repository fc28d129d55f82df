namespace Reliably.Rx;

/// <summary>The name of a derived channel (RTS5a1, RTS5a2): <c>[filter=&lt;base64 expression&gt;?params]base</c>.</summary>
internal static class DerivedChannelName
{
    /// <summary>
    /// Derives from <paramref name="name"/>. A leading params qualifier (<c>[?rewind=1]base</c>) moves into the derived
    /// channel's qualifier, after the filter, and so do <paramref name="parameters"/>; a name with any other qualifier
    /// (<c>[meta]...</c>, an already derived <c>[filter=...]...</c>) cannot be derived from (40010), as ably-js decides.
    /// </summary>
    /// <exception cref="AblyException">40010 for a name that cannot be derived from.</exception>
    public static string Build(string name, string filter, IReadOnlyDictionary<string, string>? parameters)
    {
        var baseName = name;
        var query = string.Empty;
        if (name.StartsWith('['))
        {
            var close = name.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !name.AsSpan(1).StartsWith("?"))
            {
                throw new AblyException(ErrorCodes.InvalidChannelName, 400,
                    $"Cannot derive a channel from '{name}': only a plain name or one with a [?params] qualifier can be derived from.");
            }

            query = name[1..close];
            baseName = name[(close + 1)..];
        }

        if (baseName.Length == 0)
        {
            throw new AblyException(ErrorCodes.InvalidChannelName, 400, "A derived channel needs a base channel name.");
        }

        if (parameters is { Count: > 0 })
        {
            var pairs = string.Join("&", parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
            query = query.Length <= 1 ? "?" + pairs : query + "&" + pairs;
        }

        return "[filter=" + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(filter)) + query + "]" + baseName;
    }
}
