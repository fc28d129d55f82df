using Reliably.Rx;
using Reliably.Rx.Samples.PresenceDemo;
using Reliably.Rx.Samples.Streaming;
using Reliably.Rx.Samples.Telemetry;
using Reliably.Rx.Samples.Tour;
using Reliably.Rx.Samples.Trading;
using Reliably.Rx.Samples.VirtualTime;

// dotnet run --project Reliably.Rx.Samples [-- tour|trading|telemetry|presence|streaming|virtual-time]
var samples = new Dictionary<string, (string Description, Func<Task> Run)>(StringComparer.OrdinalIgnoreCase)
{
    ["tour"] = ("connect, publish/subscribe, LINQ, presence, history, encryption, reconnection with backfill", TourSample.RunAsync),
    ["trading"] = ("price ticks sampled and throttled with Rx for a trading screen", TradingSample.RunAsync),
    ["telemetry"] = ("sensor readings aggregated in windows with Buffer", TelemetrySample.RunAsync),
    ["presence"] = ("who is online: presence members combined with connection state", PresenceSample.RunAsync),
    ["streaming"] = ("messages that change: chat edits and deletes, reactions, and an answer streamed with appends", StreamingSample.RunAsync),
    ["virtual-time"] = ("reconnection logic tested in virtual time with a scheduler", VirtualTimeSample.RunAsync),
};

var name = args.Length > 0 ? args[0] : "tour";
if (name is "-h" or "--help" || !samples.TryGetValue(name, out var sample))
{
    Console.WriteLine("Reliably.Rx samples. Usage: dotnet run --project Reliably.Rx.Samples -- [sample]");
    foreach (var (key, value) in samples)
    {
        Console.WriteLine($"  {key,-13} {value.Description}");
    }

    Console.WriteLine("Runs against an embedded Reliably.Rx.Emulator, or real Ably when ABLY_KEY is set.");
    return name is "-h" or "--help" ? 0 : 2;
}

try
{
    await sample.Run();
    return 0;
}
catch (AblyException ex)
{
    Console.Error.WriteLine($"Ably error {ex.Code} (status {ex.StatusCode}): {ex.Message}");
    return 1;
}
