using System.Diagnostics;

namespace Reliably.Rx.Channels;

/// <summary>The <c>attach</c> activity of a channel, from the first ATTACHING to ATTACHED or the attach's failure. Loop only.</summary>
internal sealed class AttachTrace
{
    private readonly string _name;
    private Activity? _activity;

    public AttachTrace(string name)
    {
        _name = name;
    }

    /// <summary>Starts the activity unless one is running.</summary>
    public void Start()
    {
        if (_activity is not null)
        {
            return;
        }

        var current = Activity.Current;
        _activity = ReliablyRxDiagnostics.ActivitySource.StartActivity("attach", ActivityKind.Client);
        _activity?.SetTag("channel", _name);

        // The activity spans loop turns; it must not become the parent of unrelated work on the loop thread.
        Activity.Current = current;
    }

    /// <summary>Ends <paramref name="trace"/>'s activity, if any, and drops the tracker: an attached channel keeps none.</summary>
    public static void End(ref AttachTrace? trace, ErrorInfo? error)
    {
        trace?.End(error);
        trace = null;
    }

    /// <summary>Ends the running activity, if any, with <paramref name="error"/> as its status.</summary>
    public void End(ErrorInfo? error)
    {
        if (_activity is { } activity)
        {
            if (error is not null)
            {
                activity.SetStatus(ActivityStatusCode.Error, error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            activity.Stop();
            _activity = null;
        }
    }
}
