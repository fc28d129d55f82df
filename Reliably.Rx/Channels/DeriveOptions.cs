namespace Reliably.Rx;

/// <summary>
/// How a derived channel is derived from its base channel (DO2), for <see cref="RealtimeChannels.GetDerived"/>: today a
/// filter, so that the channel delivers only the base channel's messages the filter selects.
/// </summary>
public sealed record DeriveOptions
{
    /// <summary>A JMESPath expression that selects messages (DO2a), for example <c>name == 'quote' &amp;&amp; headers.venue == 'XLON'</c>.</summary>
    public string? Filter { get; init; }
}
