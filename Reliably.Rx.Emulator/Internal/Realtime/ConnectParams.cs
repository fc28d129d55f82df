using System.Globalization;
using Microsoft.AspNetCore.Http;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.Realtime;

/// <summary>WebSocket connect query parameters (PROTOCOL.md 1.3, RTN2). Unknown parameters are ignored.</summary>
internal sealed record ConnectParams
{
    public WireFormat Format { get; init; } = WireFormat.MsgPack;

    public bool Echo { get; init; } = true;

    public bool ProtocolHeartbeats { get; init; }

    public string? Key { get; init; }

    public string? AccessToken { get; init; }

    public string? ClientId { get; init; }

    public string? Resume { get; init; }

    public string? Recover { get; init; }

    /// <summary>Set when the parameters are unacceptable; the connection gets ERROR and closes.</summary>
    public AblyException? Error { get; init; }

    /// <summary>Every parameter as received (the last value of a repeated one), a key's secret and a token redacted.</summary>
    public IReadOnlyDictionary<string, string> All { get; init; } = new Dictionary<string, string>();

    public static ConnectParams Parse(IQueryCollection query)
    {
        string? Get(string name) => query.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;

        var format = Get("format");
        var result = new ConnectParams
        {
            Format = format == "json" ? WireFormat.Json : WireFormat.MsgPack,
            Echo = !string.Equals(Get("echo"), "false", StringComparison.OrdinalIgnoreCase),
            ProtocolHeartbeats = string.Equals(Get("heartbeats"), "true", StringComparison.OrdinalIgnoreCase),
            Key = Get("key"),

            // ably-js and ably-go send access_token, ably-dotnet accessToken: accept both.
            AccessToken = Get("access_token") ?? Get("accessToken"),
            ClientId = Get("clientId"),
            Resume = Get("resume"),
            Recover = Get("recover"),
            All = query.ToDictionary(p => p.Key, p => Redact(p.Key, p.Value.Count > 0 ? p.Value[^1] ?? string.Empty : string.Empty), StringComparer.Ordinal),
        };

        if (format is not null and not "json" and not "msgpack")
        {
            return result with { Format = WireFormat.Json, Error = new AblyException(40000, 400, "Unsupported format: " + format) };
        }

        var v = Get("v");
        if (v is not null && (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 2))
        {
            return result with { Error = new AblyException(40017, 400, "Unsupported protocol version: " + v) };
        }

        return result;
    }

    private static string Redact(string name, string value) => name switch
    {
        "key" => value.Split(':')[0] + ":[redacted]",
        "access_token" or "accessToken" => "[redacted]",
        _ => value,
    };
}
