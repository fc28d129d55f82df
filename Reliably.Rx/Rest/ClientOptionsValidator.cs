using Reliably.Rx.Hosts;

namespace Reliably.Rx.Rest;

/// <summary>Checks the non-auth client options (hosts, ports, timeouts) before anything is sent.</summary>
internal static class ClientOptionsValidator
{
    /// <exception cref="AblyException">40003 for the first invalid value.</exception>
    public static void Validate(ClientOptions options)
    {
        EndpointHosts.PrimaryDomainOf(options);
        EndpointHosts.FallbackDomains(options);
        CheckPort(options.Port, nameof(ClientOptions.Port));
        CheckPort(options.TlsPort, nameof(ClientOptions.TlsPort));
        CheckPositive(options.HttpOpenTimeout, nameof(ClientOptions.HttpOpenTimeout));
        CheckPositive(options.HttpRequestTimeout, nameof(ClientOptions.HttpRequestTimeout));
        CheckNotNegative(options.HttpMaxRetryDuration, nameof(ClientOptions.HttpMaxRetryDuration));
        CheckNotNegative(options.FallbackRetryTimeout, nameof(ClientOptions.FallbackRetryTimeout));
        if (options.MaxMessageSize <= 0)
        {
            throw Invalid(nameof(ClientOptions.MaxMessageSize), "must be positive");
        }

        if (options.MaxPendingPublishes is < 1)
        {
            throw Invalid(nameof(ClientOptions.MaxPendingPublishes), "must be at least 1 when set");
        }

        if (!Enum.IsDefined(options.RealtimeTransport))
        {
            throw Invalid(nameof(ClientOptions.RealtimeTransport), "must be WebsocketClient or ClientWebSocket");
        }

        // The runtime's handlers know these proxy schemes only; anything else would fail every request and connection later.
        if (options.Proxy is System.Net.WebProxy { Address: { } address } && address.Scheme is not ("http" or "https" or "socks4" or "socks4a" or "socks5"))
        {
            throw Invalid(nameof(ClientOptions.Proxy), "must have an http, https, socks4, socks4a or socks5 address");
        }

        if (options.HttpMaxRetryCount < 0)
        {
            throw Invalid(nameof(ClientOptions.HttpMaxRetryCount), "must not be negative");
        }

        if (options.TrustedServerCertificates is { Count: > 0 } trusted)
        {
            if (trusted.Any(c => c is null))
            {
                throw Invalid(nameof(ClientOptions.TrustedServerCertificates), "must not contain null");
            }

            if (options.HttpMessageHandlerFactory is not null)
            {
                // The factory's handler owns its TLS settings; pinning would silently not apply to REST.
                throw Invalid(nameof(ClientOptions.TrustedServerCertificates), "cannot be combined with HttpMessageHandlerFactory, whose handler validates certificates itself");
            }
        }
    }

    private static void CheckPort(int port, string name)
    {
        if (port is < 1 or > 65535)
        {
            throw Invalid(name, "must be between 1 and 65535");
        }
    }

    private static void CheckPositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw Invalid(name, "must be positive");
        }
    }

    private static void CheckNotNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw Invalid(name, "must not be negative");
        }
    }

    private static AblyException Invalid(string name, string problem) =>
        new(ErrorCodes.InvalidParameterValue, 400, $"ClientOptions.{name} {problem}.");
}
