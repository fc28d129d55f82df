using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Extensions.DependencyInjection.Hosting;

/// <summary>
/// Connects the container's <see cref="AblyRealtime"/> when the host has started and closes it (RTN12) when the host stops.
/// The client is resolved (and so, with AutoConnect, connects) only once every hosted service has started, so that
/// telemetry providers registered in any order see the connection from its first attempt.
/// The close is bounded by the token the host passes to <see cref="StopAsync"/>, which it cancels when its shutdown
/// timeout elapses; whatever is left is cut short when the container disposes the client.
/// </summary>
internal sealed partial class AblyRealtimeHostedService : IHostedLifecycleService
{
    private readonly Func<AblyRealtime> _resolve;
    private readonly TimeSpan? _waitForConnection;
    private readonly ILogger _logger;
    private AblyRealtime? _client;

    public AblyRealtimeHostedService(Func<AblyRealtime> resolve, TimeSpan? waitForConnection, ILogger<AblyRealtimeHostedService> logger)
    {
        _resolve = resolve;
        _waitForConnection = waitForConnection;
        _logger = logger;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        _client = _resolve();
        // RTN11: starts a connection from INITIALIZED (AutoConnect = false), CLOSED or FAILED; otherwise a no-op or a retry now.
        _client.Connection.Connect();
        if (_waitForConnection is not { } timeout)
        {
            Connecting(_logger, _client.Connection.State);
            return;
        }

        // An AblyException here (timeout, or the connection FAILED) fails the host's start, which is the point of waiting.
        await _client.Connection.WaitForStateAsync(ConnectionState.Connected, timeout, cancellationToken).ConfigureAwait(false);
        Connected(_logger, _client.Connection.Id);
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            return;
        }

        try
        {
            await _client.Connection.CloseAsync(cancellationToken).ConfigureAwait(false);
            Closed(_logger, _client.Connection.State);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            CloseAbandoned(_logger, _client.Connection.State);
        }
        catch (AblyException ex)
        {
            // Already disposed, or the close failed: the host is stopping either way.
            CloseFailed(_logger, ex.ErrorInfo.Code, ex.ErrorInfo.Message);
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Ably realtime connection started by the host (state {State})")]
    private static partial void Connecting(ILogger logger, ConnectionState state);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Ably realtime connection {ConnectionId} connected before the host finished starting")]
    private static partial void Connected(ILogger logger, string? connectionId);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "Ably realtime connection closed on host shutdown (state {State})")]
    private static partial void Closed(ILogger logger, ConnectionState state);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning, Message = "The host's shutdown timeout elapsed before the Ably realtime connection closed (state {State}); the client is disposed without waiting further")]
    private static partial void CloseAbandoned(ILogger logger, ConnectionState state);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Warning, Message = "Closing the Ably realtime connection on host shutdown failed: {Code} {Reason}")]
    private static partial void CloseFailed(ILogger logger, int code, string reason);
}
