using System.Diagnostics;

namespace Reliably.Rx.Realtime;

/// <summary>Metrics and traces of connection attempts: reconnects, resume outcomes, and a "connect" activity per attempt.</summary>
internal sealed partial class ConnectionLoop
{
    private Activity? _connectActivity;
    private long _transportAttempts;

    private void OnAttemptStarted(string host, bool resuming, bool recovering)
    {
        if (++_transportAttempts > 1)
        {
            ReliablyRxDiagnostics.Reconnects.Add(1);
        }

        _connectActivity?.Dispose();
        _connectActivity = ReliablyRxDiagnostics.ActivitySource.StartActivity("connect", ActivityKind.Client);
        _connectActivity?.SetTag("server.address", host);
        _connectActivity?.SetTag("ably.resume", resuming);
        _connectActivity?.SetTag("ably.recover", recovering);
    }

    private void OnAttemptConnected(bool resumeAttempted, bool resumed)
    {
        if (resumeAttempted)
        {
            ReliablyRxDiagnostics.Resumes.Add(1, new KeyValuePair<string, object?>("outcome", resumed ? "success" : "failure"));
        }

        _connectActivity?.SetTag("ably.resumed", resumed);
        _connectActivity?.SetStatus(ActivityStatusCode.Ok);
        _connectActivity?.Dispose();
        _connectActivity = null;
    }

    private void OnAttemptEnded(ErrorInfo error)
    {
        if (_connectActivity is null)
        {
            return;
        }

        _connectActivity.SetStatus(ActivityStatusCode.Error, error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _connectActivity.Dispose();
        _connectActivity = null;
    }
}
