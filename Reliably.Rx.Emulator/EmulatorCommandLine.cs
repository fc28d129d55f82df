using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Reliably.Rx.Emulator;

/// <summary>
/// The emulator's command line (System.CommandLine), shared by <c>dotnet run --project Reliably.Rx.Emulator</c> and the
/// <c>ably-emulator</c> .NET tool so both take the same options and print the same lines. The first line,
/// <c>Reliably.Rx.Emulator listening on http://127.0.0.1:port</c>, is a contract: scripts wait for it.
/// </summary>
internal static class EmulatorCommandLine
{
    /// <summary>Exit code for a usage error (unknown option, bad value), as the hand-written parser had it.</summary>
    public const int UsageError = 2;

    private static readonly Option<int> Port = Ranged("--port", "Port to listen on; 0 picks a free port shared by every address", 0, 0, 65535);
    private static readonly Option<IPAddress[]> Addresses = new("--address")
    {
        Description = "Loopback address to listen on; repeat for more (default 127.0.0.1)",
        HelpName = "ip",
        AllowMultipleArgumentsPerToken = false,
        CustomParser = ParseAddresses,
    };

    private static readonly Option<bool> Tls = new("--tls") { Description = "Serve https/wss with a self-signed certificate generated at startup" };
    private static readonly Option<bool> StrictBasicAuth = new("--strict-basic-auth") { Description = "Reject Basic auth over non-TLS with 40103, like the real service" };
    private static readonly Option<string?> Key = new("--key") { Description = "Fix the default app's key (default: random)", HelpName = "appId.keyId:secret" };
    private static readonly Option<int> ConnectionStateTtl = Ms("--connection-state-ttl", "connectionStateTtl", 120_000);
    private static readonly Option<int> MaxIdleInterval = Ms("--max-idle-interval", "maxIdleInterval", 15_000);
    private static readonly Option<int> HeartbeatInterval = Ms("--heartbeat-interval", "Server HEARTBEAT / WebSocket ping interval", 5_000);
    private static readonly Option<int> PresenceLeaveDelay = Ms("--presence-leave-delay", "Delay before a dropped connection's members leave", 15_000);
    private static readonly Option<int> MaxMessageSize = Ranged("--max-message-size", "maxMessageSize in bytes", 65_536, 1, int.MaxValue);
    private static readonly Option<int> MaxFrameSize = Ranged("--max-frame-size", "maxFrameSize in bytes", 524_288, 1, int.MaxValue);
    private static readonly Option<int> HistoryLimit = Ranged("--history-limit", "Messages kept per channel", 10_000, 1, int.MaxValue);
    private static readonly Option<int> SyncPageSize = Ranged("--sync-page-size", "Presence members per SYNC frame", 100, 1, int.MaxValue);
    private static readonly Option<int> FrameLogLimit = Ranged("--frame-log-limit", "Frames recorded per connection for /_emulator/connections/{id}/frames (0 = off)", 1000, 0, int.MaxValue);
    private static readonly Option<bool> Verbose = new("--verbose") { Description = "Log emulator and ASP.NET diagnostics to the console" };

    /// <summary>Parses <paramref name="args"/> and runs the emulator until SIGINT, SIGTERM or SIGQUIT.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="commandName">The name shown in help (the tool's command name, or the project's).</param>
    /// <returns>0 after a clean stop or for help and version; <see cref="UsageError"/> for bad options.</returns>
    public static async Task<int> RunAsync(string[] args, string commandName)
    {
        var root = CreateCommand(commandName);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync($"Run '{commandName} --help' for the options.").ConfigureAwait(false);
            return UsageError;
        }

        // The action handles its own signals (SIGQUIT too) so that it can stop Kestrel cleanly.
        return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);
    }

    /// <summary>The root command, for tests and help.</summary>
    /// <param name="commandName">The name shown in help.</param>
    public static Command CreateCommand(string commandName)
    {
        // A plain Command rather than RootCommand, so that help shows the name the user typed (tool or project).
        var root = new Command(commandName, "Reliably.Rx.Emulator: a local in-memory Ably-compatible server (REST + WebSocket realtime), with fault injection.");
        foreach (var option in new Option[]
        {
            new System.CommandLine.Help.HelpOption(), new VersionOption(), Port, Addresses, Tls, StrictBasicAuth, Key, ConnectionStateTtl, MaxIdleInterval, HeartbeatInterval, PresenceLeaveDelay,
            MaxMessageSize, MaxFrameSize, HistoryLimit, SyncPageSize, FrameLogLimit, Verbose,
        })
        {
            root.Options.Add(option);
        }

        root.SetAction(ServeAsync);
        return root;
    }

    /// <summary>Reads the emulator options from a parse result.</summary>
    /// <param name="result">A parse result without errors.</param>
    public static EmulatorOptions ToOptions(ParseResult result)
    {
        var options = EmulatorOptions.Default with
        {
            Port = result.GetValue(Port),
            Tls = result.GetValue(Tls),
            StrictBasicAuth = result.GetValue(StrictBasicAuth),
            DefaultKey = result.GetValue(Key),
            ConnectionStateTtl = TimeSpan.FromMilliseconds(result.GetValue(ConnectionStateTtl)),
            MaxIdleInterval = TimeSpan.FromMilliseconds(result.GetValue(MaxIdleInterval)),
            HeartbeatInterval = TimeSpan.FromMilliseconds(result.GetValue(HeartbeatInterval)),
            PresenceLeaveDelay = TimeSpan.FromMilliseconds(result.GetValue(PresenceLeaveDelay)),
            MaxMessageSize = result.GetValue(MaxMessageSize),
            MaxFrameSize = result.GetValue(MaxFrameSize),
            ChannelHistoryLimit = result.GetValue(HistoryLimit),
            SyncPageSize = result.GetValue(SyncPageSize),
            FrameLogLimit = result.GetValue(FrameLogLimit),
        };
        return result.GetValue(Addresses) is { Length: > 0 } addresses ? options with { Addresses = addresses } : options;
    }

    private static async Task<int> ServeAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var options = ToOptions(result);
        using var loggerFactory = result.GetValue(Verbose) ? LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Information)) : null;
        if (loggerFactory is not null)
        {
            options = options with { LoggerFactory = loggerFactory };
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext context)
        {
            // Shut down cleanly (close sockets, stop Kestrel) instead of letting the runtime terminate mid-flight.
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);

        AblyEmulator emulator;
        try
        {
            emulator = await AblyEmulator.StartAsync(options, stop.Token).ConfigureAwait(false);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message).ConfigureAwait(false);
            return UsageError;
        }

        await using (emulator.ConfigureAwait(false))
        {
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
        }

        return 0;
    }

    private static Option<int> Ms(string name, string description, int defaultValue) =>
        Ranged(name, description + " in milliseconds", defaultValue, 0, int.MaxValue, "ms");

    private static Option<int> Ranged(string name, string description, int defaultValue, int min, int max, string helpName = "n")
    {
        var option = new Option<int>(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<int>();
            if (value < min || value > max)
            {
                result.AddError($"{name} must be between {min} and {max}, not {value}.");
            }
        });
        return option;
    }

    private static IPAddress[] ParseAddresses(ArgumentResult result)
    {
        var addresses = new List<IPAddress>();
        foreach (var token in result.Tokens)
        {
            if (IPAddress.TryParse(token.Value, out var address))
            {
                addresses.Add(address);
            }
            else
            {
                result.AddError($"--address: '{token.Value}' is not an IP address.");
            }
        }

        return [.. addresses];
    }
}
