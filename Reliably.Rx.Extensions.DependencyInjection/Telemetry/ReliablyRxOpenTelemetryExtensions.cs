using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Reliably.Rx.Extensions.DependencyInjection;

/// <summary>
/// Registers Reliably.Rx's <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>
/// (both named <see cref="ReliablyRxDiagnostics.MeterName"/>) with OpenTelemetry.
/// </summary>
public static class ReliablyRxOpenTelemetryExtensions
{
    /// <summary>
    /// Adds Reliably.Rx's traces (<c>connect</c>, <c>attach</c>, <c>publish</c>) and metrics (<c>reliably_rx.*</c>) to the
    /// tracer and meter providers of <c>services.AddOpenTelemetry()</c>, whichever of them the application builds:
    /// <c>services.AddOpenTelemetry().AddReliablyRxInstrumentation()</c>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddOpenTelemetry()</c>.</param>
    /// <returns>The builder, for chaining (<c>WithTracing</c>, <c>WithMetrics</c>, exporters).</returns>
    public static IOpenTelemetryBuilder AddReliablyRxInstrumentation(this IOpenTelemetryBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddReliablyRxInstrumentation());
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddReliablyRxInstrumentation());
        return builder;
    }

    /// <summary>Adds Reliably.Rx's activity source to a tracer provider.</summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static TracerProviderBuilder AddReliablyRxInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(ReliablyRxDiagnostics.ActivitySourceName);
    }

    /// <summary>Adds Reliably.Rx's meter to a meter provider.</summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder, for chaining.</returns>
    public static MeterProviderBuilder AddReliablyRxInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(ReliablyRxDiagnostics.MeterName);
    }
}
