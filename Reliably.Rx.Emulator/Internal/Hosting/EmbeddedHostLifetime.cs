using Microsoft.Extensions.Hosting;

namespace Reliably.Rx.Emulator.Internal.Hosting;

/// <summary>
/// Replaces the console lifetime: an emulator embedded in a test host must not hook Ctrl+C/SIGTERM or print status
/// lines, and the command line handles signals itself (otherwise the host swallows SIGTERM and the process never exits).
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
