using System.Globalization;
using System.Reflection;
using System.Text;
using Reliably.Rx.Auth;

namespace Reliably.Rx.Realtime;

/// <summary>Builds the WebSocket URL with the connect query parameters (RTN2, RTN15b, RTN16k, RTN23b, RTC1f; WIRE-TRACES 2.1).</summary>
internal static class ConnectUri
{
    /// <summary>The protocol version (CSV2).</summary>
    public const string ProtocolVersion = "6";

    public static string Agent { get; } = BuildAgent();

    public static Uri Build(ClientOptions options, string host, AuthCredentials credentials, string? resumeKey, string? recoverKey)
    {
        var query = new List<KeyValuePair<string, string>>();
        if (credentials.Key is { } key)
        {
            query.Add(new("key", key));
        }
        else if (credentials.Token is { } token)
        {
            // RTN2e: the token string goes in accessToken.
            query.Add(new("accessToken", token.Token));
        }

        if (resumeKey is not null)
        {
            query.Add(new("resume", resumeKey));
        }
        else if (recoverKey is not null)
        {
            query.Add(new("recover", recoverKey));
        }

        if (options.ClientId is { } clientId)
        {
            query.Add(new("clientId", clientId));
        }

        // RTN2b: echo is sent either way, true when echoMessages is (RTC1a).
        query.Add(new("echo", options.EchoMessages ? "true" : "false"));

        query.Add(new("format", options.UseBinaryProtocol ? "msgpack" : "json"));
        query.Add(new("heartbeats", "true"));
        query.Add(new("v", ProtocolVersion));
        query.Add(new("agent", Agent));

        if (options.TransportParams is { } extra)
        {
            // RTC1f: user transport params override the defaults.
            foreach (var (name, value) in extra)
            {
                query.RemoveAll(p => p.Key == name);
                query.Add(new(name, value));
            }
        }

        var text = new StringBuilder();
        foreach (var (name, value) in query)
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        var scheme = options.Tls ? "wss" : "ws";
        var port = options.Tls ? options.TlsPort : options.Port;
        var hostPart = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? "[" + host + "]" : host;
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"{scheme}://{hostPart}:{port}/{text}"));
    }

    private static string BuildAgent()
    {
        var version = typeof(ConnectUri).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            version = version[..plus];
        }

        return string.Create(CultureInfo.InvariantCulture, $"reliably-rx/{version} dotnet/{Environment.Version.Major}.{Environment.Version.Minor}");
    }
}
