namespace Reliably.Rx;

/// <summary>
/// Criteria a message must meet to reach a subscription of <see cref="RealtimeChannel.Messages(MessageFilter)"/>
/// (MFI1, RTL22). A message passes when it meets every criterion given (RTL22c); a null criterion is not checked, so an
/// empty filter passes every message.
/// </summary>
public sealed record MessageFilter
{
    /// <summary>
    /// True passes only messages whose extras carry a <c>ref</c>; false only messages without one (MFI2a, RTL22b).
    /// </summary>
    public bool? IsRef { get; init; }

    /// <summary>Passes only messages whose <c>extras.ref.timeserial</c> is this value (MFI2b).</summary>
    public string? RefTimeserial { get; init; }

    /// <summary>Passes only messages whose <c>extras.ref.type</c> is this value (MFI2c).</summary>
    public string? RefType { get; init; }

    /// <summary>Passes only messages with this <see cref="Message.Name"/> (MFI2d).</summary>
    public string? Name { get; init; }

    /// <summary>Passes only messages with this <see cref="Message.ClientId"/> (MFI2e).</summary>
    public string? ClientId { get; init; }

    /// <summary>Whether <paramref name="message"/> meets every criterion of this filter (RTL22c).</summary>
    /// <exception cref="AblyException">40003 for a null message.</exception>
    public bool Matches(Message message)
    {
        if (message is null)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The message must not be null.");
        }

        var reference = message.Reference();
        return (IsRef is not { } isRef || isRef == reference.HasValue)
            && (RefTimeserial is null || reference?.Timeserial == RefTimeserial)
            && (RefType is null || reference?.Type == RefType)
            && (Name is null || message.Name == Name)
            && (ClientId is null || message.ClientId == ClientId);
    }
}
