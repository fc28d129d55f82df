using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Reliably.Rx;

/// <summary>
/// The names under which Reliably.Rx publishes metrics (<see cref="System.Diagnostics.Metrics"/>) and traces
/// (<see cref="ActivitySource"/>). Listen with OpenTelemetry (<c>AddMeter(ReliablyRxDiagnostics.MeterName)</c>,
/// <c>AddSource(ReliablyRxDiagnostics.ActivitySourceName)</c>) or a <see cref="MeterListener"/>.
/// </summary>
/// <remarks>
/// Instruments: <c>reliably_rx.messages.received</c> and <c>reliably_rx.messages.published</c> (counters, tag
/// <c>channel</c>), <c>reliably_rx.publish.duration</c> (histogram, ms from send to ACK or NACK, tag <c>outcome</c>),
/// <c>reliably_rx.connection.reconnects</c>, <c>reliably_rx.connection.resumes</c> (tag <c>outcome</c>: success or
/// failure), <c>reliably_rx.channel.discontinuities</c> (tag <c>channel</c>) and <c>reliably_rx.subscriber.buffer_depth</c>
/// (histogram of a subscriber's queue depth, sampled while it is behind and when it catches up),
/// <c>reliably_rx.subscriber.slow_consumer</c> (tag <c>state</c>) and <c>reliably_rx.subscriber.overflows</c>. Activities: <c>connect</c>, <c>attach</c>,
/// <c>publish</c>. Tags never carry keys, tokens or payloads.
/// </remarks>
public static class ReliablyRxDiagnostics
{
    /// <summary>The meter and activity source name: <c>Reliably.Rx</c>.</summary>
    public const string MeterName = "Reliably.Rx";

    /// <summary>The activity source name: <c>Reliably.Rx</c>.</summary>
    public const string ActivitySourceName = "Reliably.Rx";

    // The package version (e.g. 0.1.0-alpha.0.42): the assembly version only carries the major (MinVer).
    internal static readonly string Version = Http.AblyHeaders.LibraryVersion;

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName, Version);

    internal static readonly Meter Meter = new(MeterName, Version);

    internal static readonly Counter<long> MessagesReceived =
        Meter.CreateCounter<long>("reliably_rx.messages.received", "{message}", "Messages delivered to a channel from the server.");

    internal static readonly Counter<long> MessagesPublished =
        Meter.CreateCounter<long>("reliably_rx.messages.published", "{message}", "Messages acknowledged by the server.");

    internal static readonly Histogram<double> PublishDuration =
        Meter.CreateHistogram<double>("reliably_rx.publish.duration", "ms", "Time from sending a publish to its ACK or NACK.");

    internal static readonly Counter<long> Reconnects =
        Meter.CreateCounter<long>("reliably_rx.connection.reconnects", "{attempt}", "Transport connection attempts after the first.");

    internal static readonly Counter<long> Resumes =
        Meter.CreateCounter<long>("reliably_rx.connection.resumes", "{resume}", "Connection resume outcomes (tag outcome: success or failure).");

    internal static readonly Counter<long> Discontinuities =
        Meter.CreateCounter<long>("reliably_rx.channel.discontinuities", "{event}", "Losses of channel continuity.");

    internal static readonly Histogram<long> SubscriberBufferDepth =
        Meter.CreateHistogram<long>("reliably_rx.subscriber.buffer_depth", "{message}", "Depth of a subscriber's delivery buffer, sampled while it is behind and when it catches up.");

    internal static readonly Counter<long> SlowConsumers =
        Meter.CreateCounter<long>("reliably_rx.subscriber.slow_consumer", "{event}", "Slow-consumer transitions of subscriptions (tag state: slow, recovered, failed).");

    internal static readonly Counter<long> SubscriberDropped =
        Meter.CreateCounter<long>("reliably_rx.subscriber.overflows", "{event}", "Times a full bounded subscription dropped its oldest items (OverflowPolicy.DropOldest).");

    internal static readonly Counter<long> SubscriberRepaired =
        Meter.CreateCounter<long>("reliably_rx.subscriber.repaired", "{message}", "Messages read back from history into a bounded subscription's gap (ChannelOptions.AutoBackfill with OverflowPolicy.DropOldest).");
}
