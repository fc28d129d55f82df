namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>Sizes and switches of one end-to-end run, from the command line after <c>e2e</c> (<see cref="E2eCommandLine"/>).</summary>
internal sealed record E2eSettings
{
    public bool Quick { get; init; }

    public int PublishMessages { get; init; } = 50_000;

    public int Window { get; init; } = 1_000;

    public int FanoutMessages { get; init; } = 20_000;

    public int FanoutSubscribers { get; init; } = 20;

    public int RestRequests { get; init; } = 5_000;

    public int RestConcurrency { get; init; } = 16;

    public int MemoryChannels { get; init; } = 1_000;

    public int MemoryConnections { get; init; } = 50;

    /// <summary>The presence curve's points: members entered before a new subscriber attaches (<see cref="PresenceCurve"/>).</summary>
    public IReadOnlyList<int> PresenceMembers { get; init; } = [10, 100, 1_000, 10_000];

    /// <summary>Every scenario gives up after this long and is reported as timed out.</summary>
    public TimeSpan ScenarioTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public IReadOnlyList<string> Formats { get; init; } = ["json", "msgpack"];

    /// <summary>Which sides run: rx, raw, js; rxcws (Reliably.Rx with RealtimeTransport = ClientWebSocket: publish, fan-out, memory) only when asked.</summary>
    public IReadOnlySet<string> Sides { get; init; } = new HashSet<string> { "rx", "raw", "js" };

    /// <summary>Which scenarios run: publish, fanout, rest, memory; presence (a curve of its own) only when asked.</summary>
    public IReadOnlySet<string> Scenarios { get; init; } = new HashSet<string> { "publish", "fanout", "rest", "memory" };

    /// <summary>
    /// Each side runs every publish, fan-out and REST scenario once at a tenth of the size before the measured run (JIT
    /// tiering, connection pools, the emulator's channel), so no side is measured cold. <c>--no-warmup</c> turns it off.
    /// </summary>
    public bool Warmup { get; init; } = true;

    /// <summary>
    /// Measured runs per scenario and side (publish, fan-out, REST; memory runs once), interleaved across sides; the run
    /// with the median rate is tabled. Default 3 at full size, 1 with <c>--quick</c>; <c>--repeat N</c> sets it.
    /// </summary>
    public int Repeat { get; init; } = 3;

    /// <summary>Where the table (<c>e2e-results.md</c>) and the charts (<c>e2e-*.png</c>) are written.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("BenchmarkDotNet.Artifacts", "e2e");

    /// <summary>The sizes of a quick run (about a tenth): <c>--quick</c>.</summary>
    public E2eSettings AsQuick() => this with
    {
        Quick = true,
        Repeat = 1,
        PublishMessages = 5_000,
        FanoutMessages = 2_000,
        RestRequests = 500,
        MemoryChannels = 200,
        MemoryConnections = 10,
        ScenarioTimeout = TimeSpan.FromSeconds(45),
    };

    /// <summary>The sizes of the discarded warm-up run.</summary>
    public E2eSettings ForWarmup() => this with
    {
        PublishMessages = Math.Max(500, PublishMessages / 10),
        FanoutMessages = Math.Max(200, FanoutMessages / 10),
        RestRequests = Math.Max(100, RestRequests / 10),
    };
}
