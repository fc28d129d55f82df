namespace Reliably.Rx;

/// <summary>What a typed stream (<see cref="RealtimeChannel.Messages{T}(ConversionFailure)"/>) does with a message whose data is null or cannot be read as its type.</summary>
public enum ConversionFailure
{
    /// <summary>The message is skipped and a 40013 <see cref="AblyException"/> is reported on <see cref="RealtimeChannel.SubscriberErrors"/>; the stream goes on.</summary>
    SkipAndReport,

    /// <summary>The subscription ends with <c>OnError</c> carrying the 40013 <see cref="AblyException"/>.</summary>
    Fail,
}
