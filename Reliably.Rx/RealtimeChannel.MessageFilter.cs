namespace Reliably.Rx;

/// <summary>Filtered message subscriptions (RTL22).</summary>
public sealed partial class RealtimeChannel
{
    /// <summary>
    /// The messages that meet every criterion of <paramref name="filter"/> (RTL22, RTL22c); otherwise as
    /// <see cref="Messages()"/>. The filter is applied before a message enters the subscription's queue, so messages it
    /// rejects take no capacity and add no lag.
    /// </summary>
    /// <exception cref="AblyException">40003 for a null filter.</exception>
    public IDeliveryStream<Message> Messages(MessageFilter filter)
    {
        if (filter is null)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The message filter must not be null.");
        }

        return _streams.Filtered(filter);
    }
}
