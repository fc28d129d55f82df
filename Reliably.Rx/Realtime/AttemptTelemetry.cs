using System.Diagnostics;

namespace Reliably.Rx.Realtime;

/// <summary>Metrics and traces of connection attempts: reconnects, resume outcomes, and a "connect" activity per attempt. Loop only.</summary>
internal sealed class AttemptTelemetry
{
    private Activity? _activity;
    private long _attempts;

    /// <summary>How many transports the client has opened.</summary>
    public long Attempts => _attempts;

    /// <summary>An attempt to <paramref name="host"/> began: every one after the first is a reconnect.</summary>
    public void Started(string host, bool resuming, bool recovering)
    {
        if (++_attempts > 1)
        {
            ReliablyRxDiagnostics.Reconnects.Add(1);
        }

        _activity?.Dispose();
        _activity = ReliablyRxDiagnostics.ActivitySource.StartActivity("connect", ActivityKind.Client);
        _activity?.SetTag("server.address", host);
        _activity?.SetTag("ably.resume", resuming);
        _activity?.SetTag("ably.recover", recovering);
    }

    /// <summary>The attempt reached CONNECTED; a resume or recovery that it asked for succeeded or not.</summary>
    public void Connected(bool continuationAttempted, bool continued)
    {
        if (continuationAttempted)
        {
            ReliablyRxDiagnostics.Resumes.Add(1, new KeyValuePair<string, object?>("outcome", continued ? "success" : "failure"));
        }

        _activity?.SetTag("ably.resumed", continued);
        _activity?.SetStatus(ActivityStatusCode.Ok);
        _activity?.Dispose();
        _activity = null;
    }

    /// <summary>The attempt ended without CONNECTED (a no-op when none is in progress).</summary>
    public void Ended(ErrorInfo error)
    {
        if (_activity is null)
        {
            return;
        }

        _activity.SetStatus(ActivityStatusCode.Error, error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _activity.Dispose();
        _activity = null;
    }
}
