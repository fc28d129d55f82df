using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>Builds ErrorInfo trees (TI1) and the common errors the emulator raises.</summary>
internal static class ErrorInfo
{
    public static JObject Create(int code, int statusCode, string message) => new()
    {
        ["code"] = code,
        ["statusCode"] = statusCode,
        ["message"] = message,
        ["href"] = "https://help.ably.io/error/" + code,
    };

    public static AblyException BadRequest(string message) => new(40000, 400, message);

    public static AblyException CapabilityDenied(string what) =>
        new(40160, 401, "Action not permitted by capability: " + what);

    public static AblyException TokenExpired() => new(40142, 401, "Token expired");

    public static AblyException TokenUnrecognised() => new(40143, 401, "Token not recognised");

    public static AblyException NotFound(string message) => new(40400, 404, message);
}
