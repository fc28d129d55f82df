namespace Reliably.Rx.Realtime;

/// <summary>The operating system's network events (RTN20), from <see cref="ClientOptions.NetworkAvailability"/>.</summary>
internal sealed partial class ConnectionLoop
{
    /// <summary>On the loop: the operating system says the internet connection is now available, or no longer is.</summary>
    public void OnNetworkAvailability(bool available)
    {
        if (!available)
        {
            OnNetworkLost();
            return;
        }

        switch (_state)
        {
            case ConnectionState.Disconnected:
            case ConnectionState.Suspended:
                // RTN20b: connect now rather than at the scheduled retry, which StartConnecting cancels.
                RealtimeLog.NetworkChange(_logger, available, _state);
                StartConnecting(renewToken: false, startHostIndex: 0);
                break;
            case ConnectionState.Connecting:
                // RTN20c: the pending attempt began on the old network; abandon it and start again.
                RealtimeLog.NetworkChange(_logger, available, _state);
                OnAttemptEnded(NetworkLost);
                StartConnecting(renewToken: false, startHostIndex: 0);
                break;
        }
    }

    private void OnNetworkLost()
    {
        switch (_state)
        {
            case ConnectionState.Connected:
                // RTN20a: DISCONNECTED at once, and then the reconnection of a lost connection (RTN15a).
                RealtimeLog.NetworkChange(_logger, false, _state);
                ConnectionLost(NetworkLost);
                break;
            case ConnectionState.Connecting:
                // RTN20a: the attempt cannot succeed: DISCONNECTED at once, retrying as after any failed attempt (RTN14d).
                RealtimeLog.NetworkChange(_logger, false, _state);
                AttemptFailed(NetworkLost, qualifiesForFallback: false);
                break;
        }
    }

    private static ErrorInfo NetworkLost { get; } =
        new(ErrorCodes.Disconnected, 400, "The operating system reports that the internet connection is no longer available (RTN20a).");
}
