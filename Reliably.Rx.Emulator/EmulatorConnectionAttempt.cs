namespace Reliably.Rx.Emulator;

/// <summary>
/// A realtime connection attempt as it reached the emulator, before any fault or authentication: what a client asked for,
/// e.g. to assert that a reconnection carried <c>resume</c> (RTN15b) or <c>recover</c> (RTN16k).
/// </summary>
/// <param name="Timestamp">When the attempt arrived.</param>
/// <param name="Parameters">The connect query parameters (RTN2); a key's secret and a token are redacted.</param>
public sealed record EmulatorConnectionAttempt(DateTimeOffset Timestamp, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>A parameter's value, or null when absent (for example <c>resume</c>, <c>recover</c>, <c>format</c>).</summary>
    /// <param name="name">The parameter's name.</param>
    public string? Parameter(string name) => Parameters.GetValueOrDefault(name);
}
