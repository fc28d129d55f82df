using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Diagnostics;

/// <summary>
/// The documented metrics and activities are produced by real traffic: a MeterListener and an ActivityListener watch
/// a client publish, receive, resume after a drop and fail to resume after the server forgot its connection.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class DiagnosticsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Metrics_and_activities_follow_publishes_deliveries_resumes_and_discontinuities()
    {
        var channelName = "diag-" + Guid.NewGuid().ToString("N")[..8];
        var measurements = new ConcurrentQueue<(string Instrument, double Value, string? Channel, string? Outcome)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ReliablyRxDiagnostics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tag(tags, "channel"), Tag(tags, "outcome"))));
        meters.SetMeasurementEventCallback<double>((i, v, tags, _) => measurements.Enqueue((i.Name, v, Tag(tags, "channel"), Tag(tags, "outcome"))));
        meters.Start();

        var activities = new ConcurrentQueue<Activity>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ReliablyRxDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(tracing);

        await using var emulator = await AblyEmulator.StartAsync();
        await using var client = new AblyRealtime(new ClientOptions
        {
            Key = emulator.DefaultKey, Endpoint = "127.0.0.1", Port = emulator.Port, Tls = false, AllowInsecureBasicAuth = true,
        });
        var channel = client.Channels.Get(channelName);
        var received = channel.Messages().Take(10).ToList().ToTask();
        await channel.AttachAsync().WaitAsync(Wait);
        await channel.PublishAsync(Enumerable.Range(0, 10).Select(i => new Message("m", "v" + i))).WaitAsync(Wait);
        await received.WaitAsync(Wait);

        // A drop is resumed (success); a forgotten connection is not (failure) and breaks the channel's continuity.
        var firstId = client.Connection.Id!;
        var resumed = client.Connection.StateChanges.Skip(1).FirstAsync(c => c.Current == ConnectionState.Connected).ToTask();
        emulator.Faults.DropConnection(firstId);
        await resumed.WaitAsync(Wait);
        var discontinuity = channel.Discontinuities.FirstAsync().ToTask();
        var failed = client.Connection.StateChanges.Skip(1).FirstAsync(c => c.Current == ConnectionState.Connected).ToTask();
        emulator.Faults.ForgetConnection(client.Connection.Id!, dropTransport: true);
        await failed.WaitAsync(Wait);
        await discontinuity.WaitAsync(Wait);
        meters.RecordObservableInstruments();

        var ours = measurements.Where(m => m.Channel == channelName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(ours.Where(m => m.Instrument == "reliably_rx.messages.published").Sum(m => m.Value), Is.EqualTo(10));
            Assert.That(ours.Where(m => m.Instrument == "reliably_rx.messages.received").Sum(m => m.Value), Is.GreaterThanOrEqualTo(10));
            Assert.That(ours.Any(m => m.Instrument == "reliably_rx.publish.duration" && m.Outcome == "ack"), Is.True);
            Assert.That(ours.Where(m => m.Instrument == "reliably_rx.channel.discontinuities").Sum(m => m.Value), Is.GreaterThanOrEqualTo(1));
            Assert.That(measurements.Count(m => m.Instrument == "reliably_rx.connection.reconnects"), Is.GreaterThanOrEqualTo(2));
            Assert.That(measurements.Any(m => m.Instrument == "reliably_rx.connection.resumes" && m.Outcome == "success"), Is.True);
            Assert.That(measurements.Any(m => m.Instrument == "reliably_rx.connection.resumes" && m.Outcome == "failure"), Is.True);
            Assert.That(activities.Count(a => a.OperationName == "connect"), Is.GreaterThanOrEqualTo(3), "one per transport attempt");
            Assert.That(activities.Any(a => a.OperationName == "attach" && (string?)a.GetTagItem("channel") == channelName), Is.True);
            Assert.That(activities.Any(a => a.OperationName == "publish" && (string?)a.GetTagItem("channel") == channelName), Is.True);
        });
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
