namespace Reliably.Rx.Emulator;

/// <summary>An Ably ErrorInfo (TI1) to inject through <see cref="EmulatorFaults"/>.</summary>
/// <param name="Code">Ably error code, e.g. 80003.</param>
/// <param name="StatusCode">HTTP-like status, e.g. 400.</param>
/// <param name="Message">Human-readable message.</param>
public sealed record EmulatorError(int Code, int StatusCode, string Message)
{
    /// <summary>A generic 500 (50000) error.</summary>
    public static EmulatorError ServerError { get; } = new(50000, 500, "Injected internal error");

    internal Newtonsoft.Json.Linq.JObject ToJson() => Internal.Protocol.ErrorInfo.Create(Code, StatusCode, Message);
}
