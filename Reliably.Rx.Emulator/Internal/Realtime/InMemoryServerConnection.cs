using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Realtime;

/// <summary>
/// One in-memory realtime connection, the counterpart of the WebSocket endpoint's receive loop: it authenticates the
/// attempt, then hands each client frame to the session, one at a time and in order, on the caller's thread. A frame whose
/// handling waits (an injected attach delay) holds back the frames after it, as a socket's sequential receive loop does.
/// </summary>
internal sealed class InMemoryServerConnection
{
    private readonly RealtimeConnections _connections;
    private readonly InMemoryServerTransport _transport;
    private readonly ILogger _logger;
    private readonly Queue<(byte[] Frame, WireFormat Format)> _waiting = new();
    private Session? _session;
    private bool _dispatching;
    private bool _closed;

    private InMemoryServerConnection(RealtimeConnections connections, InMemoryServerTransport transport, ILogger logger)
    {
        _connections = connections;
        _transport = transport;
        _logger = logger;
    }

    /// <summary>The session this connection opened or resumed, once accepted.</summary>
    public Session? Session => _session;

    /// <summary>
    /// Opens a connection for <paramref name="uri"/> (a realtime URL with its connect parameters). Null when an armed
    /// fault makes the host unreachable: the caller reports a failure to connect. Otherwise <paramref name="reached"/> runs
    /// (the socket is open), then the server answers through <paramref name="link"/> (CONNECTED, or DISCONNECTED/ERROR
    /// then close) before this returns.
    /// </summary>
    public static InMemoryServerConnection? Open(EmulatorServer server, RealtimeConnections connections, Uri uri, IInMemoryLink link, Action reached, ILogger logger)
    {
        var parameters = ConnectParams.Parse(new QueryCollection(QueryHelpers.ParseQuery(uri.Query)));
        var localAddress = uri.Host;
        if (connections.IsUnreachable(localAddress, parameters, out var refusal))
        {
            return null;
        }

        reached();

        var transport = new InMemoryServerTransport(link, parameters.Format, localAddress, parameters.ProtocolHeartbeats, server.Time, server.Options.EffectiveHeartbeatInterval);
        var connection = new InMemoryServerConnection(connections, transport, logger);
        try
        {
            connection._session = connections.Accept(parameters, transport, uri.Scheme is "wss" or "https", refusal);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RealtimeConnections.ReportInternalError(logger, transport, ex);
            transport.EndAfterFlush();
        }

        return connection;
    }

    /// <summary>One frame from the client.</summary>
    public void Receive(ReadOnlyMemory<byte> frame, bool binary)
    {
        if (_closed || _transport.Ended)
        {
            return;
        }

        if (frame.Length > _connections.FrameLimit)
        {
            RealtimeConnections.FailOversizedFrame(_session);
            return;
        }

        _waiting.Enqueue((frame.ToArray(), binary ? WireFormat.MsgPack : WireFormat.Json));
        if (!_dispatching)
        {
            DispatchWaiting();
        }
    }

    /// <summary>The client closed the connection, or the network lost it: an abrupt drop unless the server ended it.</summary>
    public void ClientClosed()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        _waiting.Clear();
        _session?.OnTransportLost(_transport);
        _transport.ClientClosed();
    }

    private void DispatchWaiting()
    {
        _dispatching = true;
        while (!_closed && _waiting.TryDequeue(out var next))
        {
            if (!RealtimeConnections.IsCurrent(_session, _transport))
            {
                continue;
            }

            Task handled;
            try
            {
                handled = RealtimeConnections.DispatchAsync(_session!, _transport, next.Frame, next.Format);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                RealtimeConnections.ReportInternalError(_logger, _transport, ex);
                continue;
            }

            if (!handled.IsCompleted)
            {
                // The frames after this one wait for it; its completion (on the server's clock) resumes them.
                handled.ContinueWith(
                    static (t, s) => ((InMemoryServerConnection)s!).OnDispatched(t),
                    this,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
                return;
            }

            Observe(handled);
        }

        _dispatching = false;
    }

    private void OnDispatched(Task handled)
    {
        Observe(handled);
        DispatchWaiting();
    }

    private void Observe(Task handled)
    {
        if (handled.Exception?.GetBaseException() is { } ex && ex is not OperationCanceledException)
        {
            RealtimeConnections.ReportInternalError(_logger, _transport, ex);
        }
    }
}
