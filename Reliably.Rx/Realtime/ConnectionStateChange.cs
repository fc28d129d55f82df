namespace Reliably.Rx;

/// <summary>One change of a realtime connection's state (TA1-TA5, RTN4).</summary>
/// <param name="Previous">The state before the change.</param>
/// <param name="Current">The state after the change; equal to <paramref name="Previous"/> for <see cref="ConnectionEvent.Update"/>.</param>
/// <param name="Event">The event: the new state, or <see cref="ConnectionEvent.Update"/>.</param>
/// <param name="Reason">Why the change happened, when there was an error (RTN4f).</param>
/// <param name="RetryIn">When the client will next try to connect, for DISCONNECTED and SUSPENDED (RTN14d, RTN14e).</param>
public sealed record ConnectionStateChange(
    ConnectionState Previous,
    ConnectionState Current,
    ConnectionEvent Event,
    ErrorInfo? Reason = null,
    TimeSpan? RetryIn = null)
{
    /// <summary>The event that enters <paramref name="state"/>.</summary>
    internal static ConnectionEvent EventFor(ConnectionState state) => (ConnectionEvent)(int)state;
}
