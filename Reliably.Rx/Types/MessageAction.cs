namespace Reliably.Rx;

/// <summary>The action of a message (TM5). Unknown values from newer servers are kept as their number.</summary>
public enum MessageAction
{
    /// <summary>A new message.</summary>
    Create = 0,
    /// <summary>An update of an earlier message.</summary>
    Update = 1,
    /// <summary>A deletion of an earlier message.</summary>
    Delete = 2,
    /// <summary>A meta message.</summary>
    Meta = 3,
    /// <summary>A summary of annotations.</summary>
    Summary = 4,
    /// <summary>An append to an earlier message.</summary>
    Append = 5,
}
