namespace Reliably.Rx.Channels;

/// <summary>What a channel's components read from the channel that owns them.</summary>
internal interface IChannelHost
{
    /// <summary>The channel's current options (TB2).</summary>
    ChannelOptions Options { get; }

    /// <summary>True once the channel has been released (RTS4).</summary>
    bool IsReleased { get; }
}
