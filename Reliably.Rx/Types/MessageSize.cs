namespace Reliably.Rx.PayloadEncoding;

/// <summary>
/// What a publish counts against maxMessageSize (TM6, TP5, TO3l8f). REST (RSL1i) and realtime (RTL6, RTP) publishes
/// measure with these functions, once per publish, on the publisher's thread; the rule itself is the message's own
/// (<see cref="Message.Measure"/>), and the connection loop only compares the result with the connection's limit.
/// </summary>
internal static class MessageSize
{
    /// <summary>The default maximum message size, 64 KiB (TO3l8).</summary>
    public const int DefaultMaxMessageSize = 65536;

    /// <summary>The last step of an encoding that is base64 text on the wire (RSL4b); the payload chain names its step with it.</summary>
    public const string Base64Encoding = "base64";

    /// <summary>TM6: the size of an encoded message (<see cref="Message.Size"/>).</summary>
    public static long Of(Message encoded) => encoded.Size;

    /// <summary>TP5: a presence message is measured as a message is (it has no name).</summary>
    public static long Of(PresenceMessage encoded) => encoded.Size;

    /// <summary>TO3l8f: the sum over the messages (or presence messages) of one publish.</summary>
    public static long Of(IReadOnlyList<Message> encoded)
    {
        long total = 0;
        foreach (var message in encoded)
        {
            total += Of(message);
        }

        return total;
    }

    /// <inheritdoc cref="Of(IReadOnlyList{Message})"/>
    public static long Of(IReadOnlyList<PresenceMessage> encoded)
    {
        long total = 0;
        foreach (var message in encoded)
        {
            total += Of(message);
        }

        return total;
    }

    /// <summary>The 40009 error for a publish of <paramref name="size"/> bytes over <paramref name="max"/> (RSL1i, TO3l8).</summary>
    public static ErrorInfo TooLarge(long size, long max) =>
        new(ErrorCodes.MessageTooLarge, 400, $"The message size {size} bytes exceeds the maximum of {max} bytes (TO3l8).")
        {
            Href = ErrorInfo.HrefFor(ErrorCodes.MessageTooLarge),
        };
}
