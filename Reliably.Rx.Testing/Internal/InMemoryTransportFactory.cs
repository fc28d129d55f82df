using Reliably.Rx.Transport;

namespace Reliably.Rx.Testing.Internal;

/// <summary>Creates the in-memory Ably's realtime transports.</summary>
internal sealed class InMemoryTransportFactory(InMemoryAbly ably) : ITransportFactory
{
    public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener) =>
        new InMemoryTransport(ably, uri, frameKind, listener);
}
