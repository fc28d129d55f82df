namespace Reliably.Rx;

/// <summary>The status of a channel (CHD1, RSL8).</summary>
public sealed record ChannelDetails
{
    /// <summary>The channel name.</summary>
    public string ChannelId { get; init; } = string.Empty;

    /// <summary>The channel's status.</summary>
    public ChannelStatus? Status { get; init; }
}

/// <summary>Whether a channel is active, and its occupancy (CHS1).</summary>
public sealed record ChannelStatus
{
    /// <summary>True while the channel is active.</summary>
    public bool IsActive { get; init; }

    /// <summary>The channel's occupancy.</summary>
    public ChannelOccupancy? Occupancy { get; init; }
}

/// <summary>The occupancy of a channel (CHO1).</summary>
public sealed record ChannelOccupancy
{
    /// <summary>The occupancy metrics.</summary>
    public ChannelMetrics? Metrics { get; init; }
}

/// <summary>Occupancy metrics of a channel (CHM1).</summary>
public sealed record ChannelMetrics
{
    /// <summary>Connections attached to the channel.</summary>
    public int Connections { get; init; }

    /// <summary>Connections able to enter presence.</summary>
    public int PresenceConnections { get; init; }

    /// <summary>Members present.</summary>
    public int PresenceMembers { get; init; }

    /// <summary>Connections subscribed to presence.</summary>
    public int PresenceSubscribers { get; init; }

    /// <summary>Connections able to publish.</summary>
    public int Publishers { get; init; }

    /// <summary>Connections subscribed to messages.</summary>
    public int Subscribers { get; init; }

    /// <summary>Connections able to publish LiveObjects operations.</summary>
    public int ObjectPublishers { get; init; }

    /// <summary>Connections subscribed to LiveObjects.</summary>
    public int ObjectSubscribers { get; init; }
}
