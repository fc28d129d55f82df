namespace Reliably.Rx;

/// <summary>The serial a message change or an annotation refers to (RSL15a, RSAN1a).</summary>
internal static class MessageSerials
{
    /// <summary>The serial, or 40003 when there is none (a newly built message has none).</summary>
    public static string Require(string? serial) =>
        string.IsNullOrEmpty(serial)
            ? throw new AblyException(ErrorCodes.InvalidParameterValue, 400,
                "This message lacks a serial: pass a message received from the channel (or its serial); a newly built message has none.")
            : serial;
}
