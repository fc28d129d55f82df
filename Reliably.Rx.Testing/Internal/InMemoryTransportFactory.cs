using Reliably.Rx.Transport;

namespace Reliably.Rx.Testing.Internal;

/// <summary>Creates the in-memory Ably's realtime transports for one client (one network interface).</summary>
internal sealed class InMemoryTransportFactory(InMemoryAbly ably, NetworkInterface nic) : ITransportFactory
{
    public NetworkInterface Nic => nic;

    public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener) =>
        new InMemoryTransport(ably, nic, uri, frameKind, listener);
}
