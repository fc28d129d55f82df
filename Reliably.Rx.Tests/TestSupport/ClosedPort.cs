using System.Net;
using System.Net.Sockets;

namespace Reliably.Rx.Tests.TestSupport;

/// <summary>
/// A bound, never-listening loopback socket: connections to <see cref="Port"/> are refused until it is disposed, and no
/// other socket can bind the port meanwhile. .NET binds every TCP socket with SO_REUSEADDR on Unix, and on Linux two
/// sockets that both allow reuse may share a port while neither listens: the option is cleared once bound, so a
/// listener's bind (which also asks for reuse) fails instead.
/// </summary>
public sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    internal ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
    }

    /// <summary>The reserved port.</summary>
    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();
}
