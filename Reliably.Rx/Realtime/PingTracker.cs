using System.Globalization;
using Reliably.Rx.Protocol;
using Reliably.Rx.Randomness;

namespace Reliably.Rx.Realtime;

/// <summary>
/// RTN13: pings, each a HEARTBEAT carrying a random id that only its answer carries back; the round trip measured on
/// the scheduler's clock; pings that wait for CONNECTED; the RTN13c timeout. Loop only.
/// </summary>
internal sealed class PingTracker
{
    private readonly ConnectionLoop _loop;
    private readonly ConnectionTransport _transport;
    private readonly RandomSource _random;
    private readonly TimeSpan _timeout;
    private readonly Dictionary<string, PingRequest> _pings = new(StringComparer.Ordinal);
    private long _count;

    public PingTracker(ConnectionLoop loop, ConnectionTransport transport, RandomSource random, TimeSpan timeout)
    {
        _loop = loop;
        _transport = transport;
        _random = random;
        _timeout = timeout;
    }

    /// <summary>How many pings await their answer or CONNECTED.</summary>
    public int Pending => _pings.Count;

    /// <summary>
    /// Starts <paramref name="ping"/> in <paramref name="state"/>: sent now when CONNECTED, held until CONNECTED while
    /// CONNECTING or DISCONNECTED (RTN13d), refused otherwise with <paramref name="reason"/>'s error (RTN13b).
    /// </summary>
    public void Start(PingRequest ping, ConnectionState state, ErrorInfo? reason)
    {
        switch (state)
        {
            case ConnectionState.Connected:
            case ConnectionState.Connecting:
            case ConnectionState.Disconnected:
                break;
            default:
                // RTN13b: no ping in INITIALIZED, SUSPENDED, CLOSING, CLOSED or FAILED.
                ping.Completion.TrySetException(new AblyException(Refusal(state, ConnectionErrors.StateError(state, reason))));
                return;
        }

        // RTN13e: a random id, so only the answer to this ping completes it.
        ping.Id = _random.NextInt64().ToString("x16", CultureInfo.InvariantCulture) + "-" + (++_count).ToString(CultureInfo.InvariantCulture);
        _pings[ping.Id] = ping;
        if (state == ConnectionState.Connected)
        {
            Send(ping);
        }

        // RTN13d: otherwise it waits, without a timer, until CONNECTED (SendDeferred), or fails when the connection
        // gives up (RTN13b, OnStateChanged).
    }

    /// <summary>RTN13d: pings made while connecting or disconnected, or lost with a transport, are sent once connected.</summary>
    public void SendDeferred()
    {
        if (_pings.Count == 0)
        {
            return;
        }

        foreach (var ping in _pings.Values.ToArray())
        {
            if (!ping.Sent)
            {
                Send(ping);
            }
        }
    }

    /// <summary>
    /// RTN13b: a pending ping fails when the connection goes INITIALIZED, SUSPENDED, CLOSING, CLOSED or FAILED (with
    /// <paramref name="reason"/> when the change has none). A ping sent on a transport that is lost (DISCONNECTED,
    /// CONNECTING) can no longer be answered: it is sent again once connected (RTN13d), with a fresh RTN13c timer.
    /// </summary>
    public void OnStateChanged(ConnectionStateChange change, ErrorInfo? reason)
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
                Fail(Refusal(change.Current, change.Reason ?? ConnectionErrors.StateError(change.Current, reason)));
                return;
        }
    }

    /// <summary>A HEARTBEAT from the server: the answer to the ping whose id it carries, if one was sent.</summary>
    public void OnHeartbeat(ProtocolMessage message)
    {
        if (message.Id is { } id && _pings.TryGetValue(id, out var ping) && ping.Sent)
        {
            _pings.Remove(id);
            ping.Timer?.Cancel();
            ping.Completion.TrySetResult(_loop.Scheduler.Now - ping.SentAt);
        }
    }

    /// <summary>Fails every pending ping with <paramref name="error"/>.</summary>
    public void Fail(ErrorInfo error)
    {
        foreach (var ping in _pings.Values.ToArray())
        {
            ping.Timer?.Cancel();
            ping.Completion.TrySetException(new AblyException(error));
        }

        _pings.Clear();
    }

    private static ErrorInfo Refusal(ConnectionState state, ErrorInfo error) =>
        new(error.Code, error.StatusCode, $"Ping not possible: the connection is {ConnectionErrors.Upper(state)} (RTN13b).")
        {
            Cause = error,
            Href = ErrorInfo.HrefFor(error.Code),
        };

    private void Send(PingRequest ping)
    {
        // RTN13: RTT is measured on the scheduler's clock, from the moment the HEARTBEAT is written.
        ping.SentAt = _loop.Scheduler.Now;
        ping.Sent = true;
        ping.Timer ??= new LoopTimer(_loop, "ping");
        ping.Timer.Start(_timeout, () =>
        {
            // RTN13c: the HEARTBEAT went out and no answer came within realtimeRequestTimeout.
            _pings.Remove(ping.Id);
            ping.Completion.TrySetException(new AblyException(ErrorCodes.Timeout, 504,
                $"The ping was sent but no HEARTBEAT answered it within realtimeRequestTimeout ({_timeout.TotalMilliseconds:0} ms) (RTN13c)."));
        });
        _transport.Write(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = ping.Id });
    }
}

/// <summary>One ping (RTN13): its id, when its HEARTBEAT was written, its RTN13c timer and its outcome.</summary>
internal sealed class PingRequest
{
    public string Id { get; set; } = string.Empty;

    public DateTimeOffset SentAt { get; set; }

    public bool Sent { get; set; }

    public LoopTimer? Timer { get; set; }

    public TaskCompletionSource<TimeSpan> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
