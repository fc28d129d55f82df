using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Auth;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Realtime;

/// <summary>
/// What every realtime connection goes through, whatever carries it (a Kestrel WebSocket or an in-memory link):
/// connection-attempt faults, authentication and the session it opens or resumes, and the dispatch of each inbound frame
/// to its session. The transports only move bytes.
/// </summary>
internal sealed class RealtimeConnections
{
    private readonly EmulatorServer _server;

    public RealtimeConnections(EmulatorServer server)
    {
        _server = server;
    }

    /// <summary>A frame may be somewhat larger than maxFrameSize before we call it abuse; beyond that it's a connection error.</summary>
    public long FrameLimit => _server.Options.MaxFrameSize * 2L;

    /// <summary>
    /// Consumes an armed connection-attempt fault for <paramref name="localAddress"/>. True when the attempt must be
    /// dropped unanswered (an unreachable host); <paramref name="refusal"/> is set when it must be answered with
    /// DISCONNECTED instead (RTN14d).
    /// </summary>
    public bool IsUnreachable(string localAddress, ConnectParams parameters, out EmulatorError? refusal)
    {
        _server.Attempts.Record(new EmulatorConnectionAttempt(_server.Time.GetUtcNow(), parameters.All));
        return _server.Faults.TryConsumeConnectFault(localAddress, out refusal) && refusal is null;
    }

    /// <summary>
    /// Authenticates a new transport and opens or resumes its session, which sends CONNECTED. On a refusal or an auth
    /// failure the transport gets DISCONNECTED or ERROR and is ended; the result is then null.
    /// </summary>
    public Session? Accept(ConnectParams parameters, IServerTransport transport, bool isTls, EmulatorError? refusal)
    {
        // Armed frame faults apply to everything this transport sends, CONNECTED included.
        transport.Filter = _server.Faults.Frames.ApplyOutbound;
        try
        {
            if (parameters.Error is { } error)
            {
                throw error;
            }

            if (refusal is not null)
            {
                // RTN14d: a retryable refusal; the client goes DISCONNECTED and tries again later.
                transport.Enqueue(new OutgoingFrame(new JObject { ["action"] = Actions.Disconnected, ["error"] = refusal.ToJson() }));
                transport.EndAfterFlush();
                return null;
            }

            AuthContext auth;
            if (!string.IsNullOrEmpty(parameters.AccessToken))
            {
                auth = _server.Authenticator.FromToken(parameters.AccessToken, parameters.ClientId);
            }
            else if (!string.IsNullOrEmpty(parameters.Key))
            {
                if (_server.Options.StrictBasicAuth && !isTls)
                {
                    throw Authenticator.InsecureBasic();
                }

                auth = _server.Authenticator.FromKey(parameters.Key, parameters.ClientId);
            }
            else
            {
                throw new AblyException(40106, 401, "No authentication information provided (key or access_token)");
            }

            return _server.Sessions.Connect(auth, transport, parameters.Echo, parameters.Resume ?? parameters.Recover);
        }
        catch (AblyException ex)
        {
            Hosting.EmulatorLog.Refused(_server.Logger, ex.Code, ex.Message);

            // PROTOCOL.md 4.2: on failure, ERROR (no channel) and close.
            transport.Enqueue(new OutgoingFrame(new JObject { ["action"] = Actions.Error, ["error"] = ex.ToErrorInfo() }));
            transport.EndAfterFlush();
            return null;
        }
    }

    /// <summary>
    /// True when frames from <paramref name="transport"/> still belong to <paramref name="session"/>: not once the server
    /// has ended that transport (DISCONNECTED, ERROR or CLOSED sent; RTN15h: the server then closes it). A publish read
    /// from it afterwards would be ACKed on whatever transport the resumed connection has by then, ahead of the resends
    /// of the earlier serials, which the client must take as their implicit NACK; unhandled, it is simply resent.
    /// </summary>
    public static bool IsCurrent(Session? session, IServerTransport transport) =>
        session is { Discarded: false } && ReferenceEquals(session.Transport, transport) && !transport.EndedByServer;

    /// <summary>An inbound frame over the size limit is a connection error.</summary>
    public static void FailOversizedFrame(Session? session) =>
        session?.Fail(ErrorInfo.Create(40009, 400, "Maximum frame size exceeded"));

    /// <summary>An emulator bug must still surface as an Ably-shaped, diagnosable ERROR rather than a silent close.</summary>
    public static void ReportInternalError(ILogger logger, IServerTransport transport, Exception ex)
    {
        Hosting.EmulatorLog.UnhandledRealtimeError(logger, ex);
        transport.Enqueue(new OutgoingFrame(new JObject
        {
            ["action"] = Actions.Error,
            ["error"] = ErrorInfo.Create(50000, 500, "Internal emulator error: " + ex.GetType().Name + ": " + ex.Message),
        }));
    }

    /// <summary>
    /// Decodes one inbound frame read from <paramref name="transport"/> and hands it to its session; Ably-shaped failures
    /// fail the connection. The session's replies to it go to that transport only (<see cref="Session.InboundTransport"/>).
    /// </summary>
    public static async Task DispatchAsync(Session session, IServerTransport transport, ReadOnlyMemory<byte> bytes, WireFormat format)
    {
        if (session.Server.Faults.InboundHold(session.Id)?.Enter() is { } held)
        {
            await held.Release.ConfigureAwait(false);
            try
            {
                await HandleAsync(session, transport, bytes, format).ConfigureAwait(false);
            }
            finally
            {
                held.Handled.TrySetResult();
            }

            return;
        }

        await HandleAsync(session, transport, bytes, format).ConfigureAwait(false);
    }

    private static async Task HandleAsync(Session session, IServerTransport transport, ReadOnlyMemory<byte> bytes, WireFormat format)
    {
        // A no-op when the receive loop has set it already (the WebSocket's); the in-memory link sets it here per frame.
        Session.InboundTransport.Value = transport;

        // A publish is read straight into its stored form, unless a frame rule may match it (rules read trees).
        if (!session.Server.Faults.Frames.Any && InboundPublish.TryRead(bytes, format, session.LastPublishChannel) is { } publish)
        {
            session.Frames.RecordInbound(session.Server.Time.GetUtcNow(), bytes, format);
            session.Publish(publish);
            return;
        }

        JObject pm;
        try
        {
            pm = WireCodec.Decode(bytes, format) as JObject ?? throw new AblyException(40000, 400, "ProtocolMessage must be an object");
        }
        catch (AblyException ex)
        {
            session.Fail(ex.ToErrorInfo());
            return;
        }

        session.Frames.RecordInbound(session.Server.Time.GetUtcNow(), bytes, format);
        if (session.Server.Faults.Frames.Apply(inbound: true, pm) is not { } handled)
        {
            // An armed fault swallowed it: recorded as received, never handled.
            return;
        }

        try
        {
            await session.HandleAsync(handled).ConfigureAwait(false);
        }
        catch (AblyException ex)
        {
            session.Fail(ex.ToErrorInfo());
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or ArgumentException or Newtonsoft.Json.JsonException or OverflowException)
        {
            // Malformed field types (e.g. a number where a string belongs) are client errors, not server crashes.
            session.Fail(ErrorInfo.Create(40000, 400, "Invalid ProtocolMessage: " + ex.Message));
        }
    }
}
