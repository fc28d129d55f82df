namespace Reliably.Rx;

/// <summary>REST presence of a channel (RSP): the current members and the presence history.</summary>
public sealed partial class RestPresence
{
    private readonly RestChannel _channel;

    internal RestPresence(RestChannel channel) => _channel = channel;

    /// <summary>The channel this presence belongs to.</summary>
    public RestChannel Channel => _channel;
}
