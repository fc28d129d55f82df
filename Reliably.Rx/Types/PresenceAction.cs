namespace Reliably.Rx;

/// <summary>The action of a presence message (TP2).</summary>
public enum PresenceAction
{
    /// <summary>Used only inside the client's presence map for a member that left during a SYNC.</summary>
    Absent = 0,
    /// <summary>A member present at SYNC time.</summary>
    Present = 1,
    /// <summary>A member entered.</summary>
    Enter = 2,
    /// <summary>A member left.</summary>
    Leave = 3,
    /// <summary>A member updated its data.</summary>
    Update = 4,
}
