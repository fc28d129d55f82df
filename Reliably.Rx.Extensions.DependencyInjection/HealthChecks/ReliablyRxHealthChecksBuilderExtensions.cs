using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Reliably.Rx.Extensions.DependencyInjection.HealthChecks;

namespace Reliably.Rx.Extensions.DependencyInjection;

/// <summary>Health checks for the clients registered by <c>AddAblyRealtime</c>.</summary>
public static class ReliablyRxHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a health check of the container's <see cref="AblyRealtime"/> connection: healthy when CONNECTED, degraded
    /// while INITIALIZED, CONNECTING or DISCONNECTED (the client retries by itself), and <paramref name="failureStatus"/>
    /// when SUSPENDED, CLOSING, CLOSED or FAILED. The result's data carries <c>state</c>, <c>connectionId</c> and the
    /// last error's <c>errorCode</c> and <c>errorMessage</c>; never a key or token.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="name">The check's name; default <c>ably-realtime</c>.</param>
    /// <param name="failureStatus">The status reported when the connection cannot carry messages; default unhealthy.</param>
    /// <param name="tags">Tags to filter checks by, e.g. <c>ready</c>.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddAblyRealtime(
        this IHealthChecksBuilder builder,
        string name = "ably-realtime",
        HealthStatus failureStatus = HealthStatus.Unhealthy,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            provider => new AblyRealtimeHealthCheck(provider.GetRequiredService<AblyRealtime>()),
            failureStatus,
            tags));
    }
}
