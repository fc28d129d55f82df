using Microsoft.Extensions.Logging;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The connection's current transport: the one the latest attempt opened, the frames the loop writes to it, and its
/// closing. Events of a transport that was replaced are recognised (<see cref="IsCurrent"/>) and ignored. Loop only.
/// </summary>
internal sealed class ConnectionTransport
{
    private readonly ITransportFactory _factory;
    private readonly ILogger _logger;
    private ProtocolTransport? _current;

    public ConnectionTransport(ITransportFactory factory, ILogger logger)
    {
        _factory = factory;
        _logger = logger;
    }

    /// <summary>
    /// True while the connection is CONNECTED (set by the loop with every state change): only then do publishes and
    /// channel frames go out at once; otherwise they wait for the resend on the next CONNECTED (RTN19a, RTN19b).
    /// </summary>
    public bool Connected { get; set; }

    /// <summary>True while a transport is open or opening.</summary>
    public bool IsOpen => _current is not null;

    /// <summary>
    /// Closes the current transport and makes a new one to <paramref name="uri"/> the current one; its decoded frames
    /// (each a ProtocolMessage) and other events (each a TransportEvent) go to <paramref name="deliver"/>.
    /// <see cref="Connect"/> starts it. Frames naming one of <paramref name="channels"/> carry that name's string.
    /// </summary>
    public ProtocolTransport Open(Uri uri, bool binary, Action<object> deliver, IKnownNames? channels = null)
    {
        Close();
        var transport = new ProtocolTransport(uri, binary, deliver, channels);
        _current = transport;
        return transport;
    }

    /// <summary>Starts connecting the current transport. Throws when the factory or the transport fails to start.</summary>
    public void Connect() => _current?.Connect(_factory);

    /// <summary>True when <paramref name="transport"/> is the current one (not one the loop has already abandoned).</summary>
    public bool IsCurrent(ProtocolTransport transport) => ReferenceEquals(transport, _current);

    /// <summary>Writes one frame when CONNECTED; false otherwise or when it could not be written.</summary>
    public bool TrySend(ProtocolMessage message) => Connected && Write(message);

    /// <summary>
    /// Writes one frame to the open transport, whatever the state; frames leave in the order the loop writes them. An
    /// encoding failure is logged and reported as false, never thrown into the loop.
    /// </summary>
    public bool Write(ProtocolMessage message) => Write(message, out _);

    /// <summary>
    /// <see cref="Write(ProtocolMessage)"/>, saying why a frame was refused before it reached the transport:
    /// <paramref name="refused"/> is the encoder's error (the frame was not sent), and null otherwise.
    /// </summary>
    public bool Write(ProtocolMessage message, out ErrorInfo? refused)
    {
        refused = null;
        var transport = _current;
        if (transport is null)
        {
            return false;
        }

        try
        {
            transport.Send(message);
            return true;
        }
        catch (AblyException ex)
        {
            RealtimeLog.SendFailed(_logger, message.Action, ex.Code);
            refused = ex.ErrorInfo;
            return false;
        }
        catch (Exception ex)
        {
            RealtimeLog.SendFailed(_logger, message.Action, ErrorCodes.InternalError);
            RealtimeLog.LoopFault(_logger, ex);
            return false;
        }
    }

    /// <summary>Closes and forgets the current transport, if any; its later events are ignored.</summary>
    public void Close()
    {
        var transport = _current;
        _current = null;
        if (transport is null)
        {
            return;
        }

        try
        {
            transport.Close();
        }
        catch (Exception ex)
        {
            RealtimeLog.LoopFault(_logger, ex);
        }
    }
}
