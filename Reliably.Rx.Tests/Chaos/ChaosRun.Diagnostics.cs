using System.Globalization;

namespace Reliably.Rx.Tests.Chaos;

/// <summary>What a failed chaos run prints about its publisher.</summary>
internal sealed partial class ChaosRun
{
    /// <summary>
    /// The publisher's connection and channel state, its latest timeline entries, the distinct errors of its publishes
    /// that failed without a NACK, and the frames the server saw and sent on its connection at the end (heartbeats left
    /// out).
    /// </summary>
    public void PrintPublisher(AblyRealtime publisher, RealtimeChannel outbound)
    {
        var p = TestContext.Progress;
        p.WriteLine($"[chaos] publisher: connection {publisher.Connection.State} {publisher.Connection.Id} {publisher.Connection.ErrorReason}, channel {outbound.State} {outbound.ErrorReason}");
        foreach (var group in UnexpectedPublishErrors.GroupBy(e => e is AblyException a ? a.ErrorInfo.Code.ToString(CultureInfo.InvariantCulture) + " " + a.ErrorInfo.Message : e.GetType().Name + " " + e.Message))
        {
            p.WriteLine($"[chaos]   publish failure without a NACK, {group.Count()} times: {group.Key}");
        }

        foreach (var line in PublisherLog.TakeLast(80))
        {
            p.WriteLine($"[chaos]     {line}");
        }

        foreach (var frame in publisher.Connection.Id is { } id ? _emulator.GetFrames(id).Where(f => !f.Json.StartsWith("{\"action\":0", StringComparison.Ordinal)).TakeLast(30) : [])
        {
            p.WriteLine($"[chaos]     frame {frame.Timestamp:HH:mm:ss.fff} {frame.Direction} {(frame.Json.Length > 300 ? frame.Json[..300] + "..." : frame.Json)}");
        }
    }
}
