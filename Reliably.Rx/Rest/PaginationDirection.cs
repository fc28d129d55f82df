namespace Reliably.Rx;

/// <summary>The order of a paginated query (RSL2b2).</summary>
public enum PaginationDirection
{
    /// <summary>Newest first (the default).</summary>
    Backwards,

    /// <summary>Oldest first.</summary>
    Forwards,
}
