namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>An Ably-shaped failure (TI1) raised inside the emulator and turned into an ERROR/NACK frame or an HTTP error body.</summary>
internal sealed class AblyException : Exception
{
    public AblyException(int code, int statusCode, string message)
        : base(message)
    {
        Code = code;
        StatusCode = statusCode;
    }

    public int Code { get; }

    public int StatusCode { get; }

    public Newtonsoft.Json.Linq.JObject ToErrorInfo() => ErrorInfo.Create(Code, StatusCode, Message);
}
