using System.Globalization;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>RTN13: ping with a HEARTBEAT carrying a random id, answered by the same id.</summary>
internal sealed partial class ConnectionLoop
{
    private readonly Dictionary<string, PingRequest> _pings = new(StringComparer.Ordinal);
    private long _pingCount;

    public Task<TimeSpan> PingAsync()
    {
        var ping = new PingRequest();
        if (!Execute(() => StartPing(ping)))
        {
            ping.Completion.TrySetException(new AblyException(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed."));
        }

        return ping.Completion.Task;
    }

    private void StartPing(PingRequest ping)
    {
        switch (_state)
        {
            case ConnectionState.Connected:
            case ConnectionState.Connecting:
            case ConnectionState.Disconnected:
                break;
            default:
                // RTN13b: no ping in INITIALIZED, SUSPENDED, CLOSING, CLOSED or FAILED.
                ping.Completion.TrySetException(new AblyException(PingRefusal(_state)));
                return;
        }

        // RTN13e: a random id, so only the answer to this ping completes it.
        ping.Id = _random.NextInt64().ToString("x16", CultureInfo.InvariantCulture) + "-" + (++_pingCount).ToString(CultureInfo.InvariantCulture);
        _pings[ping.Id] = ping;
        if (_state == ConnectionState.Connected)
        {
            SendPing(ping);
        }

        // RTN13d: otherwise it waits, without a timer, until CONNECTED (SendDeferredPings), or fails when the
        // connection gives up (RTN13b, OnStateChangedForPings).
    }

    private void SendPing(PingRequest ping)
    {
        // RTN13: RTT is measured on the scheduler's clock, from the moment the HEARTBEAT is written.
        ping.SentAt = Now;
        ping.Sent = true;
        ping.Timer ??= new LoopTimer(this, "ping");
        ping.Timer.Start(_options.RealtimeRequestTimeout, () =>
        {
            // RTN13c: the HEARTBEAT went out and no answer came within realtimeRequestTimeout.
            _pings.Remove(ping.Id);
            ping.Completion.TrySetException(new AblyException(ErrorCodes.Timeout, 504,
                $"The ping was sent but no HEARTBEAT answered it within realtimeRequestTimeout ({_options.RealtimeRequestTimeout.TotalMilliseconds:0} ms) (RTN13c)."));
        });
        SendFrame(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = ping.Id });
    }

    /// <summary>RTN13d: pings made while connecting or disconnected, or lost with a transport, are sent once connected.</summary>
    private void SendDeferredPings()
    {
        foreach (var ping in _pings.Values.ToArray())
        {
            if (!ping.Sent)
            {
                SendPing(ping);
            }
        }
    }

    /// <summary>
    /// RTN13b: a pending ping fails when the connection goes INITIALIZED, SUSPENDED, CLOSING, CLOSED or FAILED. A ping sent
    /// on a transport that is lost (DISCONNECTED, CONNECTING) can no longer be answered: it is sent again once connected
    /// (RTN13d), with a fresh RTN13c timer.
    /// </summary>
    private void OnStateChangedForPings(ConnectionStateChange change)
    {
        if (_pings.Count == 0 || change.Current == change.Previous)
        {
            return;
        }

        switch (change.Current)
        {
            case ConnectionState.Connected:
                return;
            case ConnectionState.Connecting:
            case ConnectionState.Disconnected:
                foreach (var ping in _pings.Values)
                {
                    ping.Timer?.Cancel();
                    ping.Sent = false;
                }

                return;
            default:
                FailPings(PingRefusal(change.Current, change.Reason));
                return;
        }
    }

    private ErrorInfo PingRefusal(ConnectionState state, ErrorInfo? reason = null)
    {
        var error = reason ?? StateError(state);
        return new ErrorInfo(error.Code, error.StatusCode, $"Ping not possible: the connection is {Upper(state)} (RTN13b).")
        {
            Cause = error,
            Href = ErrorInfo.HrefFor(error.Code),
        };
    }

    private void OnHeartbeat(ProtocolMessage message)
    {
        if (message.Id is { } id && _pings.TryGetValue(id, out var ping) && ping.Sent)
        {
            _pings.Remove(id);
            ping.Timer?.Cancel();
            ping.Completion.TrySetResult(Now - ping.SentAt);
        }
    }

    private void FailPings(ErrorInfo error)
    {
        foreach (var ping in _pings.Values.ToArray())
        {
            ping.Timer?.Cancel();
            ping.Completion.TrySetException(new AblyException(error));
        }

        _pings.Clear();
    }

    private sealed class PingRequest
    {
        public string Id { get; set; } = string.Empty;

        public DateTimeOffset SentAt { get; set; }

        public bool Sent { get; set; }

        public LoopTimer? Timer { get; set; }

        public TaskCompletionSource<TimeSpan> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
