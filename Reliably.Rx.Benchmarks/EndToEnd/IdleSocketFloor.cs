using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using Reliably.Rx.Emulator;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// <c>ws-floor [connections]</c>: the managed heap of a bare idle WebSocket to the emulator, with no client around it, so
/// the runtime's share of an idle connection is known apart from the client's. The emulator runs in this process; each
/// measurement runs in a child process (verb <c>ws-floor-child</c>) that opens the connections, reads CONNECTED, leaves
/// one read pending on each and reports the heap growth per connection after full collections. Modes, alternated twice:
/// <c>clientwebsocket-4k</c> (a <c>ClientWebSocket</c> with a 4 KB read pending, as a receive loop with its own buffer
/// holds), <c>clientwebsocket</c> (a zero-byte read pending, as the plain transport holds) and <c>handshake</c> (a
/// zero-byte read on <c>WebSocket.CreateFromStream</c> over a socket after an upgrade written by hand, with no
/// <c>HttpConnection</c> under it; a measurement only, not a transport).
/// </summary>
internal static class IdleSocketFloor
{
    public const string Verb = "ws-floor";
    public const string ChildVerb = "ws-floor-child";
    private static readonly string[] Modes = ["clientwebsocket-4k", "clientwebsocket", "handshake"];

    public static async Task<int> RunAsync(string[] args)
    {
        var connections = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 500;
        await using var emulator = await AblyEmulator.StartAsync(new EmulatorOptions { Port = 0, FrameLogLimit = 0 }).ConfigureAwait(false);
        Console.WriteLine($"{connections} idle WebSockets per child; managed heap per connection after full collections");
        for (var round = 1; round <= 2; round++)
        {
            foreach (var mode in Modes)
            {
                var load = File.ReadAllText("/proc/loadavg").Split(' ')[..3];
                var line = await ChildOutputAsync(emulator.Port, emulator.DefaultKey, mode, connections).ConfigureAwait(false);
                Console.WriteLine($"round {round} {DateTime.UtcNow:HH:mm:ss} load {string.Join(' ', load)} {mode}: {line}");
            }
        }

        return 0;
    }

    public static async Task<int> ChildAsync(string[] args)
    {
        var port = int.Parse(args[0], CultureInfo.InvariantCulture);
        var uri = new Uri($"ws://127.0.0.1:{port}/?key={Uri.EscapeDataString(args[1])}&format=msgpack&v=5&heartbeats=false");
        var mode = args[2];
        var connections = int.Parse(args[3], CultureInfo.InvariantCulture);
        var held = new List<(WebSocket Socket, Task Pending)>();
        for (var i = 0; i < 5; i++)
        {
            held.Add(await OpenIdleAsync(uri, mode).ConfigureAwait(false));
        }

        var (_, before) = RxMemoryProbe.Settle();
        for (var i = 0; i < connections; i++)
        {
            held.Add(await OpenIdleAsync(uri, mode).ConfigureAwait(false));
        }

        var (_, after) = RxMemoryProbe.Settle();
        Console.WriteLine($"{(after - before) / (double)connections:#,0} B per idle connection");
        // A read that completed means the connection was not idle while measured.
        var idle = held.All(h => !h.Pending.IsCompleted);
        foreach (var (socket, _) in held)
        {
            socket.Abort();
        }

        return idle ? 0 : 1;
    }

    private static async Task<string> ChildOutputAsync(int port, string key, string mode, int connections)
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var start = new ProcessStartInfo(processPath) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(IdleSocketFloor).Assembly.Location);
        }

        foreach (var arg in new[] { ChildVerb, port.ToString(CultureInfo.InvariantCulture), key, mode, connections.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the child.");
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        return process.ExitCode == 0 ? output.Trim() : $"child exited {process.ExitCode}: {output.Trim()}";
    }

    /// <summary>Opens one connection, reads the server's first message (CONNECTED) and leaves a read pending.</summary>
    private static async Task<(WebSocket Socket, Task Pending)> OpenIdleAsync(Uri uri, string mode)
    {
        WebSocket socket;
        if (mode == "handshake")
        {
            (socket, _) = await WebSocketUpgrade.ConnectAsync(uri, certificateValidation: null, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            var client = new ClientWebSocket();
            client.Options.KeepAliveInterval = TimeSpan.Zero;
            await client.ConnectAsync(uri, CancellationToken.None).ConfigureAwait(false);
            socket = client;
        }

        var first = new byte[16 * 1024];
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(first.AsMemory(), CancellationToken.None).ConfigureAwait(false);
        }
        while (!result.EndOfMessage);

        Task pending = mode == "clientwebsocket-4k"
            ? socket.ReceiveAsync(new byte[4096].AsMemory(), CancellationToken.None).AsTask()
            : socket.ReceiveAsync(Memory<byte>.Empty, CancellationToken.None).AsTask();
        return (socket, pending);
    }
}
