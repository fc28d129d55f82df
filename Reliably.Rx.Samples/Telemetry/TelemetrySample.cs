using System.Reactive.Linq;
using Reliably.Rx.Samples.Shared;

namespace Reliably.Rx.Samples.Telemetry;

/// <summary>
/// Telemetry: devices publish readings; a monitoring service aggregates them per device in windows of 50 readings
/// (Buffer) and raises an alert when a window's maximum crosses a threshold.
/// </summary>
public static class TelemetrySample
{
    public sealed record Reading(string Device, double Temperature);

    public static async Task RunAsync()
    {
        await using var env = await SampleEnvironment.StartAsync();
        await using var devices = await env.ConnectAsync(clientId: "devices");
        await using var monitor = await env.ConnectAsync(clientId: "monitor");
        var name = SampleEnvironment.Channel("telemetry");
        var channel = monitor.Channels.Get(name);
        await channel.AttachAsync();

        Say.Title("Telemetry: per-device windows of 50 readings");
        var windows = channel.Messages<Reading>()
            .GroupBy(r => r.Device)
            .SelectMany(device => device.Buffer(50).Select(window => new
            {
                Device = device.Key,
                Count = window.Count,
                Average = window.Average(r => r.Temperature),
                Max = window.Max(r => r.Temperature),
            }));

        const int devicesCount = 4;
        const int readingsPerDevice = 200;
        var expectedWindows = devicesCount * readingsPerDevice / 50;
        var seen = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var report = windows.Subscribe(w =>
        {
            var alert = w.Max > 80 ? "  ALERT: over 80°C" : string.Empty;
            Say.Line($"{w.Device}: {w.Count} readings, avg {w.Average:0.0}°C, max {w.Max:0.0}°C{alert}");
            if (Interlocked.Increment(ref seen) == expectedWindows)
            {
                done.TrySetResult();
            }
        }, error => done.TrySetException(error));

        var random = new Random(7);
        var publisher = devices.Channels.Get(name);
        for (var round = 0; round < readingsPerDevice / 20; round++)
        {
            var batch = Enumerable.Range(0, devicesCount).SelectMany(d => Enumerable.Range(0, 20).Select(_ =>
                new Message("reading", new Reading($"sensor-{d}", 60 + (random.NextDouble() * 15) + (d == 3 && round > 6 ? 10 : 0)))));
            await publisher.PublishAsync(batch);
            Say.Progress("readings published", (round + 1) * 20 * devicesCount, devicesCount * readingsPerDevice);
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Say.Ok($"{expectedWindows} windows aggregated from {devicesCount * readingsPerDevice} readings");
    }
}
