using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// Scenario 4 for Reliably.Rx: memory measured in a separate process (this executable with <c>e2e-memchild</c>), so the
/// emulator and the other scenarios do not blur the figures. The child connects one client, settles the GC and reads
/// its working set; attaches the channels and reads again; connects the other idle clients and reads again. The clients
/// use the realtime transport given (side rx: the default Websocket.Client; side rxcws: the plain ClientWebSocket).
/// </summary>
internal static class RxMemoryProbe
{
    public const string ChildVerb = "e2e-memchild";

    public static async Task<ScenarioResult> RunAsync(int port, string key, string format, E2eSettings settings, RealtimeTransportKind transport, CancellationToken cancellationToken)
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var start = new ProcessStartInfo(processPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(RxMemoryProbe).Assembly.Location);
        }

        foreach (var arg in new[] { ChildVerb, port.ToString(CultureInfo.InvariantCulture), key, format,
                     settings.MemoryChannels.ToString(CultureInfo.InvariantCulture), settings.MemoryConnections.ToString(CultureInfo.InvariantCulture), transport.ToString() })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the memory probe.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var lastLine = (await stdout.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (process.ExitCode != 0 || lastLine is null)
        {
            return ScenarioResult.Error($"probe exited {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()}");
        }

        using var doc = JsonDocument.Parse(lastLine);
        var root = doc.RootElement;
        return new ScenarioResult
        {
            ChannelsBytes = root.GetProperty("channelsDelta").GetDouble(),
            PerConnectionBytes = root.GetProperty("perConnection").GetDouble(),
            ChannelsHeapBytes = root.GetProperty("channelsHeapDelta").GetDouble(),
            PerConnectionHeapBytes = root.GetProperty("perConnectionHeap").GetDouble(),
            Problem = null,
        };
    }

    /// <summary>The child: prints one JSON line with working-set (and managed heap) figures.</summary>
    public static async Task<int> ChildAsync(string[] args)
    {
        var port = int.Parse(args[0], CultureInfo.InvariantCulture);
        var key = args[1];
        var format = args[2];
        var channels = int.Parse(args[3], CultureInfo.InvariantCulture);
        var connections = int.Parse(args[4], CultureInfo.InvariantCulture);
        var transport = args.Length > 5 ? Enum.Parse<RealtimeTransportKind>(args[5]) : RealtimeTransportKind.WebsocketClient;
        var runId = Guid.NewGuid().ToString("N")[..8];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(80));
        var clients = new List<AblyRealtime>();
        try
        {
            var (baseWs, baseHeap) = Settle();
            var first = new AblyRealtime(RxScenarios.Options(port, key, format, transport));
            clients.Add(first);
            await first.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15), timeout.Token);
            var (oneWs, oneHeap) = Settle();
            await HeapDumpAsync("one");
            var attaches = Enumerable.Range(0, channels)
                .Select(i => first.Channels.Get($"bench-mem-{runId}-{i}").AttachAsync())
                .ToArray();

            // The timeout applies to all the attaches at once: a token per attach would leave one cancellation callback
            // node per channel in the harness's token source (80 B each, counted as the channel's before).
            await Task.WhenAll(attaches).WaitAsync(timeout.Token);
            var (chWs, chHeap) = Settle();
            await HeapDumpAsync("channels");
            for (var i = 1; i < connections; i++)
            {
                clients.Add(new AblyRealtime(RxScenarios.Options(port, key, format, transport)));
            }

            foreach (var client in clients)
            {
                await client.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(15), timeout.Token);
            }

            var (connWs, connHeap) = Settle();
            await HeapDumpAsync("connections");
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                baseWs,
                firstClient = oneWs - baseWs,
                channels,
                channelsDelta = (double)(chWs - oneWs),
                channelsHeapDelta = (double)(chHeap - oneHeap),
                connections,
                perConnection = (double)(connWs - chWs) / (connections - 1),
                perConnectionHeap = (double)(connHeap - chHeap) / (connections - 1),
                firstClientHeap = oneHeap - baseHeap,
            }));
            return 0;
        }
        finally
        {
            await Task.WhenAll(clients.Select(c => c.DisposeAsync().AsTask())).WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>
    /// With RELIABLY_RX_MEMPROBE_GCDUMP set to a path prefix, the child takes a heap dump of itself with dotnet-gcdump
    /// (which must be on the PATH or in ~/.dotnet/tools) at the named point, for the retained-bytes-by-type tables in
    /// docs/benchmarks.md. Off by default: a dump takes seconds and perturbs nothing that is measured before it.
    /// </summary>
    private static async Task HeapDumpAsync(string point)
    {
        var prefix = Environment.GetEnvironmentVariable("RELIABLY_RX_MEMPROBE_GCDUMP");
        if (string.IsNullOrEmpty(prefix))
        {
            return;
        }

        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-gcdump");
        var start = new ProcessStartInfo(File.Exists(tool) ? tool : "dotnet-gcdump") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var arg in new[] { "collect", "-p", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "-o", $"{prefix}-{point}.gcdump" })
        {
            start.ArgumentList.Add(arg);
        }

        using var dump = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet-gcdump.");
        await dump.StandardOutput.ReadToEndAsync();
        await dump.WaitForExitAsync();
    }

    internal static (long WorkingSet, long Heap) Settle()
    {
        // Harness only: let connection work finish, then a full compacting collection before reading.
        Thread.Sleep(500);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return (self.WorkingSet64, heap);
    }
}
