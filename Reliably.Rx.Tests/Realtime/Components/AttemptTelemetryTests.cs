using System.Diagnostics;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime.Components;

[TestFixture]
[NonParallelizable]
public sealed class AttemptTelemetryTests
{
    [Test]
    public void Each_attempt_is_a_connect_activity_that_ends_ok_on_CONNECTED_or_with_the_error_code()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ReliablyRxDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (stopped)
                {
                    stopped.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var telemetry = new AttemptTelemetry();
        var marker = "telemetry-test-" + Guid.NewGuid().ToString("N");

        telemetry.Started(marker, resuming: false, recovering: false);
        telemetry.Ended(new ErrorInfo(80003, 400, "refused"));
        telemetry.Ended(new ErrorInfo(80003, 400, "again"));
        telemetry.Started(marker, resuming: true, recovering: false);
        telemetry.Connected(continuationAttempted: true, continued: true);

        List<Activity> mine;
        lock (stopped)
        {
            mine = stopped.Where(a => (string?)a.GetTagItem("server.address") == marker).ToList();
        }

        Assert.That(telemetry.Attempts, Is.EqualTo(2));
        Assert.That(mine.Select(a => a.Status), Is.EqualTo(new[] { ActivityStatusCode.Error, ActivityStatusCode.Ok }), "an ended attempt is reported once");
        Assert.That(mine[0].StatusDescription, Is.EqualTo("80003"));
        Assert.That(mine[1].GetTagItem("ably.resumed"), Is.EqualTo(true));
    }
}
