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
                ping.Completion.TrySetException(new AblyException(StateError(_state)));
                return;
        }

        ping.Id = _random.NextInt64().ToString("x16", CultureInfo.InvariantCulture) + "-" + (++_pingCount).ToString(CultureInfo.InvariantCulture);
        _pings[ping.Id] = ping;
        ping.Timer = new LoopTimer(this, "ping");
        ping.Timer.Start(_options.RealtimeRequestTimeout, () =>
        {
            // RTN13c: no answer within realtimeRequestTimeout.
            _pings.Remove(ping.Id);
            ping.Completion.TrySetException(new AblyException(ErrorCodes.Timeout, 504, "Ping timed out (RTN13c)."));
        });

        if (_state == ConnectionState.Connected)
        {
            SendPing(ping);
        }
    }

    private void SendPing(PingRequest ping)
    {
        // RTN13: RTT is measured on the scheduler's clock.
        ping.SentAt = Now;
        ping.Sent = true;
        SendFrame(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = ping.Id });
    }

    /// <summary>RTN13c: pings made while connecting or disconnected are sent once connected.</summary>
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

    private void OnHeartbeat(ProtocolMessage message)
    {
        if (message.Id is { } id && _pings.Remove(id, out var ping))
        {
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
