namespace Reliably.Rx.Hosts;

/// <summary>
/// Derives the primary domain and default fallback domains from <see cref="ClientOptions.Endpoint"/> (REC1, REC2).
/// Shared by REST (RSC15) and realtime (RTN17); it knows nothing about HTTP.
/// </summary>
internal static class EndpointHosts
{
    /// <summary>The routing id used when no endpoint is given (REC1a).</summary>
    public const string DefaultRoutingId = "main";

    private const string NonProdPrefix = "nonprod:";

    /// <summary>
    /// True when the endpoint is a host name to use verbatim: it contains '.' or '::', or is <c>localhost</c> (REC1b2).
    /// Such endpoints have no default fallbacks.
    /// </summary>
    public static bool IsLiteralHost(string endpoint) =>
        endpoint.Contains('.', StringComparison.Ordinal)
        || endpoint.Contains("::", StringComparison.Ordinal)
        || string.Equals(endpoint, "localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The primary domain that the options give (REC1): <see cref="ClientOptions.Endpoint"/> (REC1b), else the deprecated
    /// environment (REC1c2), restHost or realtimeHost (REC1d), else the default (REC1a).
    /// </summary>
    /// <exception cref="AblyException">40003 when the options conflict (REC1b1, REC1c1) or a value is malformed.</exception>
    public static string PrimaryDomainOf(ClientOptions options)
    {
        var legacy = Legacy.Of(options);
        if (options.Endpoint is not null)
        {
            return PrimaryDomain(options.Endpoint);
        }

        if (legacy.Environment is { } environment)
        {
            var id = Normalize(environment);
            return IsLiteralHost(id) || id.Contains(':', StringComparison.Ordinal)
                ? throw Invalid("Environment must be a routing id such as 'sandbox'")
                : id + ".realtime.ably.net";
        }

        return legacy.RestHost ?? legacy.RealtimeHost ?? PrimaryDomain((string?)null);
    }

    /// <summary>The primary domain for an endpoint (REC1b): literal host, <c>id.realtime.ably-nonprod.net</c> or <c>id.realtime.ably.net</c>.</summary>
    /// <exception cref="AblyException">40003 when the endpoint is malformed.</exception>
    public static string PrimaryDomain(string? endpoint)
    {
        endpoint = Normalize(endpoint);
        if (IsLiteralHost(endpoint))
        {
            return endpoint;
        }

        return endpoint.StartsWith(NonProdPrefix, StringComparison.Ordinal)
            ? RoutingId(endpoint) + ".realtime.ably-nonprod.net"
            : endpoint + ".realtime.ably.net";
    }

    /// <summary>
    /// The default fallback domains for an endpoint (REC2c): none for a literal host,
    /// <c>id.[a-e].fallback.ably-realtime-nonprod.com</c> for <c>nonprod:id</c>, otherwise <c>id.[a-e].fallback.ably-realtime.com</c>.
    /// </summary>
    public static IReadOnlyList<string> DefaultFallbackDomains(string? endpoint)
    {
        endpoint = Normalize(endpoint);
        if (IsLiteralHost(endpoint))
        {
            return Array.Empty<string>();
        }

        var nonProd = endpoint.StartsWith(NonProdPrefix, StringComparison.Ordinal);
        var id = nonProd ? RoutingId(endpoint) : endpoint;
        var suffix = nonProd ? ".fallback.ably-realtime-nonprod.com" : ".fallback.ably-realtime.com";
        return new[] { "a", "b", "c", "d", "e" }.Select(letter => $"{id}.{letter}{suffix}").ToArray();
    }

    /// <summary>
    /// The fallback domains in effect (REC2a, REC2b): explicit <see cref="ClientOptions.FallbackHosts"/> when given
    /// (an empty list disables fallback), otherwise the endpoint's defaults.
    /// </summary>
    public static IReadOnlyList<string> FallbackDomains(ClientOptions options)
    {
        var legacy = Legacy.Of(options);
        if (options.FallbackHosts is { } explicitHosts)
        {
            foreach (var host in explicitHosts)
            {
                if (string.IsNullOrWhiteSpace(host))
                {
                    throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "FallbackHosts must not contain empty host names.");
                }
            }

            return explicitHosts.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        }

        if (legacy.UseDefaultFallbacks)
        {
            return DefaultFallbackDomains(null);
        }

        if (options.Endpoint is null && legacy.Environment is { } environment)
        {
            return DefaultFallbackDomains(environment);
        }

        // REC2c6: a primary domain given by restHost or realtimeHost has no fallbacks.
        return options.Endpoint is null && (legacy.RestHost ?? legacy.RealtimeHost) is not null
            ? Array.Empty<string>()
            : DefaultFallbackDomains(options.Endpoint);
    }

    private static AblyException Invalid(string problem) =>
        new(ErrorCodes.InvalidParameterValue, 400, "ClientOptions are invalid: " + problem + ".");

    private static string Normalize(string? endpoint)
    {
        if (endpoint is null)
        {
            return DefaultRoutingId;
        }

        var trimmed = endpoint.Trim();
        if (trimmed.Length == 0)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Endpoint must not be empty; leave it null for the default.");
        }

        if (trimmed.Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#' or '@'))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400,
                "Endpoint must be a routing id, 'nonprod:<id>' or a bare host name (no scheme, path or spaces).");
        }

        return trimmed;
    }

    private static string RoutingId(string nonProdEndpoint)
    {
        var id = nonProdEndpoint[NonProdPrefix.Length..];
        if (id.Length == 0)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Endpoint 'nonprod:' needs a routing id after the colon.");
        }

        return id;
    }

    /// <summary>The deprecated host options (REC1c, REC1d, REC2b), read in one place and checked for conflicts.</summary>
    private readonly record struct Legacy(string? Environment, string? RestHost, string? RealtimeHost, bool UseDefaultFallbacks)
    {
        public static Legacy Of(ClientOptions options)
        {
#pragma warning disable CS0618 // The deprecated options are still honoured (REC1c, REC1d, REC2b).
            var legacy = new Legacy(options.Environment, Host(options.RestHost), Host(options.RealtimeHost), options.FallbackHostsUseDefault);
#pragma warning restore CS0618
            if (options.Endpoint is not null && (legacy.Environment is not null || legacy.RestHost is not null || legacy.RealtimeHost is not null || legacy.UseDefaultFallbacks))
            {
                throw Invalid("Endpoint cannot be combined with the deprecated Environment, RestHost, RealtimeHost or FallbackHostsUseDefault (REC1b1)");
            }

            if (legacy.Environment is not null && (legacy.RestHost is not null || legacy.RealtimeHost is not null))
            {
                throw Invalid("the deprecated Environment cannot be combined with RestHost or RealtimeHost (REC1c1)");
            }

            if (legacy.UseDefaultFallbacks && options.FallbackHosts is not null)
            {
                throw Invalid("FallbackHosts cannot be combined with the deprecated FallbackHostsUseDefault (REC2a1)");
            }

            return legacy;
        }

        private static string? Host(string? host) => host is null ? null : Normalize(host);
    }
}
