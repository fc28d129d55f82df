namespace Reliably.Rx.Realtime;

/// <summary>
/// The realtime host rules (REC1, RTN17) until the shared REST host selector lands: the primary domain from the
/// endpoint, and its fallbacks. A literal endpoint (an IP, a name with a dot or <c>::</c>, or <c>localhost</c>) has no
/// fallbacks unless <see cref="ClientOptions.FallbackHosts"/> lists some.
/// </summary>
internal sealed class RealtimeHosts
{
    private const string Letters = "abcde";

    public RealtimeHosts(ClientOptions options)
    {
        var endpoint = string.IsNullOrWhiteSpace(options.Endpoint) ? "main" : options.Endpoint!;
        if (IsLiteral(endpoint))
        {
            Primary = endpoint;
            Fallbacks = options.FallbackHosts ?? Array.Empty<string>();
        }
        else if (endpoint.StartsWith("nonprod:", StringComparison.Ordinal))
        {
            var id = endpoint["nonprod:".Length..];
            Primary = id + ".realtime.ably-nonprod.net";
            Fallbacks = options.FallbackHosts ?? Letters.Select(c => $"{id}.{c}.fallback.ably-realtime-nonprod.com").ToArray();
        }
        else
        {
            Primary = endpoint + ".realtime.ably.net";
            Fallbacks = options.FallbackHosts ?? Letters.Select(c => $"{endpoint}.{c}.fallback.ably-realtime.com").ToArray();
        }
    }

    public string Primary { get; }

    public IReadOnlyList<string> Fallbacks { get; }

    /// <summary>The hosts for one connection cycle: the primary first (RTN17i), then the fallbacks in random order (RTN17h).</summary>
    public List<string> Plan(Random random)
    {
        var fallbacks = Fallbacks.ToArray();
        random.Shuffle(fallbacks);
        var plan = new List<string>(fallbacks.Length + 1) { Primary };
        plan.AddRange(fallbacks);
        return plan;
    }

    public static bool IsLiteral(string endpoint) =>
        endpoint.Contains('.', StringComparison.Ordinal) || endpoint.Contains("::", StringComparison.Ordinal)
        || string.Equals(endpoint, "localhost", StringComparison.OrdinalIgnoreCase);
}
