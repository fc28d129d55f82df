using System.Net;
using System.Net.Sockets;

namespace Reliably.Rx.Tests.TestSupport;

/// <summary>The port helpers the socket tests rely on for a refusal, or for a listener of their own, on every run.</summary>
public sealed class LoopbackPortsTests
{
    [Test]
    public void A_reserved_closed_port_refuses_connections_and_cannot_be_taken_by_a_listener_while_held()
    {
        using var closed = LoopbackPorts.ReserveClosed();

        using var client = new TcpClient();
        var refused = Assert.Throws<SocketException>(() => client.Connect(IPAddress.Loopback, closed.Port));
        Assert.That(refused!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));

        // Kestrel and HttpListener ask for address reuse: the reservation must keep them off the port all the same.
        var intruder = new TcpListener(IPAddress.Loopback, closed.Port);
        intruder.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        var taken = Assert.Throws<SocketException>(() => intruder.Start());
        Assert.That(taken!.SocketErrorCode, Is.EqualTo(SocketError.AddressAlreadyInUse));
        intruder.Dispose();
    }

    [Test]
    public void A_listener_whose_port_was_taken_in_between_starts_again_on_another()
    {
        var attempts = new List<int>();
        var port = LoopbackPorts.StartOnFreePort(candidate =>
        {
            attempts.Add(candidate);
            return attempts.Count == 1 ? throw new SocketException((int)SocketError.AddressAlreadyInUse) : candidate;
        });

        Assert.That(attempts, Has.Count.EqualTo(2));
        Assert.That(port, Is.EqualTo(attempts[1]));
    }
}
