using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Emulator;

/// <summary>Command-line entry point: <c>dotnet run --project Reliably.Rx.Emulator -- --port 8080</c>.</summary>
internal static class Program
{
    private const string Usage = """
        Reliably.Rx.Emulator: a local in-memory Ably-compatible server (REST + WebSocket realtime).

        Usage: Reliably.Rx.Emulator [options]

          --port <n>                    Port to listen on (default 0 = pick a free port)
          --address <ip>                Loopback address to listen on; repeat for more (default 127.0.0.1)
          --tls                         Serve https/wss with a self-signed certificate generated at startup
          --strict-basic-auth           Reject Basic auth over non-TLS with 40103, like the real service
          --key <appId.keyId:secret>    Fix the default app's key (default: random)
          --connection-state-ttl <ms>   connectionStateTtl (default 120000)
          --max-idle-interval <ms>      maxIdleInterval (default 15000)
          --heartbeat-interval <ms>     Server heartbeat / WebSocket ping interval (default 5000)
          --presence-leave-delay <ms>   Delay before a dropped connection's members leave (default 15000)
          --max-message-size <bytes>    maxMessageSize (default 65536)
          --max-frame-size <bytes>      maxFrameSize (default 524288)
          --history-limit <n>           Messages kept per channel (default 10000)
          --sync-page-size <n>          Presence members per SYNC frame (default 100)
          --frame-log-limit <n>         Frames recorded per connection for /_emulator/connections/{id}/frames (default 1000, 0 = off)
          --verbose                     Log emulator and ASP.NET diagnostics to the console
          --help                        Show this help
        """;

    private static async Task<int> Main(string[] args)
    {
        EmulatorOptions options;
        bool verbose;
        try
        {
            (options, verbose, var help) = Parse(args);
            if (help)
            {
                Console.WriteLine(Usage);
                return 0;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        using var loggerFactory = verbose ? LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Information)) : null;
        if (loggerFactory is not null)
        {
            options = options with { LoggerFactory = loggerFactory };
        }

        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            // Shut down cleanly (close sockets, stop Kestrel) instead of letting the runtime terminate mid-flight.
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);

        await using var emulator = await AblyEmulator.StartAsync(options).ConfigureAwait(false);
        Console.WriteLine($"Reliably.Rx.Emulator listening on {emulator.BaseUri.ToString().TrimEnd('/')}");
        Console.WriteLine($"Default key: {emulator.DefaultKey}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }

        return 0;
    }

    private static (EmulatorOptions Options, bool Verbose, bool Help) Parse(string[] args)
    {
        var options = EmulatorOptions.Default;
        var addresses = new List<IPAddress>();
        var verbose = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Int() => int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
            TimeSpan Ms() => TimeSpan.FromMilliseconds(Int());

            switch (args[i])
            {
                case "--help" or "-h" or "-?":
                    return (options, verbose, true);
                case "--port": options = options with { Port = Int() }; break;
                case "--address": addresses.Add(IPAddress.Parse(Next())); break;
                case "--tls": options = options with { Tls = true }; break;
                case "--strict-basic-auth": options = options with { StrictBasicAuth = true }; break;
                case "--key": options = options with { DefaultKey = Next() }; break;
                case "--connection-state-ttl": options = options with { ConnectionStateTtl = Ms() }; break;
                case "--max-idle-interval": options = options with { MaxIdleInterval = Ms() }; break;
                case "--heartbeat-interval": options = options with { HeartbeatInterval = Ms() }; break;
                case "--presence-leave-delay": options = options with { PresenceLeaveDelay = Ms() }; break;
                case "--max-message-size": options = options with { MaxMessageSize = Int() }; break;
                case "--max-frame-size": options = options with { MaxFrameSize = Int() }; break;
                case "--history-limit": options = options with { ChannelHistoryLimit = Int() }; break;
                case "--sync-page-size": options = options with { SyncPageSize = Int() }; break;
                case "--frame-log-limit": options = options with { FrameLogLimit = Int() }; break;
                case "--verbose": verbose = true; break;
                default: throw new ArgumentException("Unknown option " + args[i]);
            }
        }

        if (addresses.Count > 0)
        {
            options = options with { Addresses = addresses };
        }

        return (options, verbose, false);
    }
}
