using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Extensions.DependencyInjection.Hosting;

namespace Reliably.Rx.Extensions.DependencyInjection;

/// <summary>Registers Reliably.Rx clients with a service collection.</summary>
public static class ReliablyRxServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="AblyRealtime"/> and one <see cref="AblyRest"/> as singletons, built from the options
    /// <paramref name="configure"/> returns. When the options carry no logger factory, the container's
    /// <see cref="ILoggerFactory"/> is used if one is registered. The container disposes both clients.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Builds the client options, with access to other services.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAblyRealtime(this IServiceCollection services, Func<IServiceProvider, ClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(provider => new ReliablyRxOptionsHolder(WithLogging(provider, configure(provider))));
        services.AddSingleton(provider => new AblyRealtime(provider.GetRequiredService<ReliablyRxOptionsHolder>().Options));
        services.AddSingleton(provider => new AblyRest(provider.GetRequiredService<ReliablyRxOptionsHolder>().Options));
        return services;
    }

    /// <summary>Registers the clients with fixed options; see <see cref="AddAblyRealtime(IServiceCollection, Func{IServiceProvider, ClientOptions})"/>.</summary>
    public static IServiceCollection AddAblyRealtime(this IServiceCollection services, ClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return services.AddAblyRealtime(_ => options);
    }

    /// <summary>
    /// Ties the container's <see cref="AblyRealtime"/> (from <c>AddAblyRealtime</c>) to the host's lifetime: it connects
    /// once the host's services have started (so OpenTelemetry, wherever it is registered, sees the first attempt), even
    /// with <see cref="ClientOptions.AutoConnect"/> off, and closes gracefully (CLOSE, then the server's CLOSED, RTN12)
    /// when the host stops. The close waits at most until the host's shutdown timeout
    /// (<c>HostOptions.ShutdownTimeout</c>) elapses; the container then disposes the client, failing what is still pending.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="waitForConnection">
    /// When set, the host's start waits up to this long for CONNECTED and fails with the <see cref="AblyException"/>
    /// (50003 on timeout, or the connection's error when it goes FAILED). Null (the default) starts connecting and
    /// returns at once; the health check (<c>AddHealthChecks().AddAblyRealtime()</c>) then reports readiness.
    /// </param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddAblyRealtimeHostedService(this IServiceCollection services, TimeSpan? waitForConnection = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (waitForConnection is { } wait && wait < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(waitForConnection), wait, "The wait must not be negative.");
        }

        services.AddSingleton<IHostedService>(provider => new AblyRealtimeHostedService(
            provider.GetRequiredService<AblyRealtime>,
            waitForConnection,
            provider.GetService<ILogger<AblyRealtimeHostedService>>() ?? NullLogger<AblyRealtimeHostedService>.Instance));
        return services;
    }

    private static ClientOptions WithLogging(IServiceProvider provider, ClientOptions options) =>
        options.LoggerFactory is null && provider.GetService<ILoggerFactory>() is { } factory
            ? options with { LoggerFactory = factory }
            : options;

    // The options the container's clients share, resolved once.
    private sealed record ReliablyRxOptionsHolder(ClientOptions Options);
}
