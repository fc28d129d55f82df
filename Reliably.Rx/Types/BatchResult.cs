namespace Reliably.Rx;

/// <summary>The outcome of one batch operation (BAR): how many targets succeeded and failed, and each result.</summary>
/// <typeparam name="T">The per-target result.</typeparam>
public sealed record BatchResult<T>
{
    /// <summary>Targets that succeeded.</summary>
    public int SuccessCount { get; init; }

    /// <summary>Targets that failed.</summary>
    public int FailureCount { get; init; }

    /// <summary>One result per target.</summary>
    public IReadOnlyList<T> Results { get; init; } = Array.Empty<T>();
}
