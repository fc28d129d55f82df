using Reliably.Rx.Emulator;

namespace Reliably.Rx.Testing;

/// <summary>Settings of an <see cref="InMemoryAbly"/>. An immutable record: configure with an initializer or <c>with</c>.</summary>
public sealed record InMemoryAblyOptions
{
    /// <summary>The defaults: seed 0, no latency, the emulator's defaults (Ably's).</summary>
    public static InMemoryAblyOptions Default { get; } = new();

    /// <summary>
    /// The seed of every random choice, the server's (ids, keys, serials) and each client's (jitter, host order, message
    /// ids): the same seed gives the same (virtual time, event) sequence on every run. Default 0; another seed explores
    /// other jitters.
    /// </summary>
    public int Seed { get; init; }

    /// <summary>The network's initial one-way latency (see <see cref="InMemoryNetwork.Latency"/>). Default zero.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>
    /// The server's settings: connectionStateTtl, maxIdleInterval, heartbeat interval, presence leave delay, limits, frame
    /// log. Its <see cref="EmulatorOptions.TimeProvider"/> and <see cref="EmulatorOptions.Random"/> are replaced by the
    /// test's scheduler and <see cref="Seed"/>; addresses, port and TLS do not apply (nothing listens).
    /// </summary>
    public EmulatorOptions Server { get; init; } = EmulatorOptions.Default;
}
