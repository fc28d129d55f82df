namespace Reliably.Rx.Testing.Internal;

/// <summary>
/// One client's access to the in-memory network: its realtime transports and REST handlers share it, so an outage can
/// cut one client off while the others (a publisher, say) carry on.
/// </summary>
internal sealed class NetworkInterface
{
    /// <summary>True while this client's own outage lasts.</summary>
    public bool IsDown { get; set; }

    /// <summary>The end of the current outage, when one is scheduled.</summary>
    public IDisposable? OutageEnd { get; set; }
}
