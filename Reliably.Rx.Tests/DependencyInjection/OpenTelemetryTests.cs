using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Reliably.Rx.Emulator;
using Reliably.Rx.Extensions.DependencyInjection;

namespace Reliably.Rx.Tests.DependencyInjection;

/// <summary>The one-line registration, checked with OpenTelemetry's in-memory exporters against the emulator.</summary>
[TestFixture]
[NonParallelizable]
public sealed class OpenTelemetryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Test]
    public async Task AddReliablyRxInstrumentation_ExportsTheLibrarysActivitiesAndMetrics()
    {
        await using var emulator = await AblyEmulator.StartAsync().WaitAsync(Wait);
        var activities = new List<Activity>();
        var metrics = new List<Metric>();
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAblyRealtime(ClientOptions.ForEmulator(emulator.BaseUri, emulator.DefaultKey)).AddAblyRealtimeHostedService(Wait);
        builder.Services.AddOpenTelemetry().AddReliablyRxInstrumentation()
            .WithTracing(tracing => tracing.AddInMemoryExporter(activities))
            .WithMetrics(m => m.AddInMemoryExporter(metrics));
        using var host = builder.Build();
        await host.StartAsync().WaitAsync(Wait);

        var channel = host.Services.GetRequiredService<AblyRealtime>().Channels.Get("otel-" + Guid.NewGuid().ToString("N"));
        await channel.PublishAsync("tick", "1").WaitAsync(Wait);
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        await host.StopAsync().WaitAsync(Wait);

        lock (activities)
        {
            var ours = activities.Where(a => a.Source.Name == ReliablyRxDiagnostics.ActivitySourceName).Select(a => a.DisplayName).ToList();
            Assert.That(ours, Does.Contain("connect").And.Contain("publish"));
        }

        Assert.That(metrics.Where(m => m.MeterName == ReliablyRxDiagnostics.MeterName).Select(m => m.Name), Does.Contain("reliably_rx.messages.published"));
    }

    [Test]
    public void WithoutTheRegistration_NothingOfTheLibraryIsExported()
    {
        // The control: the same host shape without AddReliablyRxInstrumentation listens to nothing named Reliably.Rx.
        var activities = new List<Activity>();
        var services = new ServiceCollection();
        services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(activities));
        using var provider = services.BuildServiceProvider();
        var tracer = provider.GetRequiredService<TracerProvider>();
        using var source = new ActivitySource(ReliablyRxDiagnostics.ActivitySourceName);

        using (source.StartActivity("publish"))
        {
        }

        tracer.ForceFlush();
        Assert.That(activities, Is.Empty);
    }
}
