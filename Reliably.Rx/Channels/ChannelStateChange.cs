namespace Reliably.Rx;

/// <summary>One change of a realtime channel's state (TH1-TH6, RTL2).</summary>
/// <param name="Previous">The state before the change.</param>
/// <param name="Current">The state after the change; equal to <paramref name="Previous"/> for <see cref="ChannelEvent.Update"/>.</param>
/// <param name="Event">The event: the new state, or <see cref="ChannelEvent.Update"/>.</param>
/// <param name="Reason">Why the change happened, when there was an error (RTL2e).</param>
/// <param name="Resumed">
/// For ATTACHED and UPDATE: true when the server preserved the channel's continuity (the RESUMED flag, RTL2f), so no
/// message was lost.
/// </param>
/// <param name="HasBacklog">For ATTACHED: true when the server will send a backlog of messages (RTL2i).</param>
public sealed record ChannelStateChange(
    ChannelState Previous,
    ChannelState Current,
    ChannelEvent Event,
    ErrorInfo? Reason = null,
    bool Resumed = false,
    bool HasBacklog = false)
{
    /// <summary>The event that enters <paramref name="state"/>.</summary>
    internal static ChannelEvent EventFor(ChannelState state) => (ChannelEvent)(int)state;
}
