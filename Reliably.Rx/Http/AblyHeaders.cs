using System.Reflection;
using System.Text;

namespace Reliably.Rx.Http;

/// <summary>The Ably headers every REST request carries (RSC7).</summary>
internal static class AblyHeaders
{
    /// <summary>The Ably protocol version (CSV2), the same one the realtime client sends as <c>v</c>.</summary>
    public const string ProtocolVersion = "6";

    public const string VersionHeader = "X-Ably-Version";
    public const string AgentHeader = "Ably-Agent";
    public const string ClientIdHeader = "X-Ably-ClientId";

    /// <summary>This library's version, from the assembly's informational version without build metadata.</summary>
    public static string LibraryVersion { get; } = ReadLibraryVersion();

    /// <summary>
    /// The Ably-Agent value (RSC7d): <c>reliably-rx/&lt;version&gt; dotnet/&lt;runtime&gt;</c> followed by the
    /// <see cref="ClientOptions.Agents"/> entries as <c>product[/version]</c>, space-separated.
    /// </summary>
    public static string Agent(IReadOnlyDictionary<string, string?>? extra)
    {
        var builder = new StringBuilder();
        builder.Append("reliably-rx/").Append(LibraryVersion);
        builder.Append(" dotnet/").Append(Environment.Version.ToString(3));
        if (extra is not null)
        {
            foreach (var (product, version) in extra)
            {
                if (string.IsNullOrWhiteSpace(product))
                {
                    continue;
                }

                builder.Append(' ').Append(product.Trim());
                if (!string.IsNullOrWhiteSpace(version))
                {
                    builder.Append('/').Append(version.Trim());
                }
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// The value of the Authorization header for Basic auth (RSA2, RSA11) or a token (RSA3b). RSA3b makes base64 of the
    /// token optional; the raw token is sent, as the spec's unit tests expect (ably-js base64-encodes; servers accept both).
    /// </summary>
    public static string Authorization(Auth.AuthCredentials credentials) => credentials.IsBasic
        ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials.Key!))
        : "Bearer " + credentials.Token!.Token;

    private static string ReadLibraryVersion()
    {
        var assembly = typeof(AblyHeaders).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational ?? assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? version[..plus] : version;
    }
}
