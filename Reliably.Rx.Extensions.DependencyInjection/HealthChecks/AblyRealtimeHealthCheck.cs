using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Reliably.Rx.Extensions.DependencyInjection.HealthChecks;

/// <summary>
/// Reports the realtime connection's state: CONNECTED is healthy; INITIALIZED, CONNECTING and DISCONNECTED are degraded
/// (the client retries by itself and queues publishes, RTN14/RTN15); SUSPENDED, CLOSING, CLOSED and FAILED report the
/// registration's failure status (publishes fail there, RTL6c4). Reads a snapshot; never waits and never connects.
/// </summary>
internal sealed class AblyRealtimeHealthCheck : IHealthCheck
{
    private readonly AblyRealtime _client;

    public AblyRealtimeHealthCheck(AblyRealtime client) => _client = client;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var connection = _client.Connection;
        var state = connection.State;
        var reason = connection.ErrorReason;
        var data = new Dictionary<string, object> { ["state"] = state.ToString() };
        if (connection.Id is { } id)
        {
            data["connectionId"] = id;
        }

        if (reason is not null)
        {
            data["errorCode"] = reason.Code;
            data["errorMessage"] = reason.Message;
        }

        var description = reason is null ? $"Ably realtime connection {state}" : $"Ably realtime connection {state}: {reason.Code} {reason.Message}";
        var status = Classify(state, context.Registration?.FailureStatus ?? HealthStatus.Unhealthy);
        return Task.FromResult(new HealthCheckResult(status, description, data: data));
    }

    internal static HealthStatus Classify(ConnectionState state, HealthStatus failureStatus) => state switch
    {
        ConnectionState.Connected => HealthStatus.Healthy,
        ConnectionState.Initialized or ConnectionState.Connecting or ConnectionState.Disconnected => HealthStatus.Degraded,
        _ => failureStatus,
    };
}
