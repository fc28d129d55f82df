using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.TestSupport;

/// <summary>Creates <see cref="FakeTransport"/>s and keeps them, so a test can play the server of each connection attempt.</summary>
internal sealed class FakeTransportFactory : ITransportFactory
{
    private readonly List<FakeTransport> _created = new();

    /// <summary>Called when the client connects each new transport (after subscribing to it), to script the server.</summary>
    public Action<FakeTransport>? OnConnect { get; set; }

    public IReadOnlyList<FakeTransport> Created => _created;

    public FakeTransport Last => _created[^1];

    public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener)
    {
        var transport = new FakeTransport(uri, frameKind, listener);
        _created.Add(transport);
        transport.OnConnect = t => OnConnect?.Invoke(t);
        return transport;
    }
}
