using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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

    private static ClientOptions WithLogging(IServiceProvider provider, ClientOptions options) =>
        options.LoggerFactory is null && provider.GetService<ILoggerFactory>() is { } factory
            ? options with { LoggerFactory = factory }
            : options;

    // The options the container's clients share, resolved once.
    private sealed record ReliablyRxOptionsHolder(ClientOptions Options);
}
