using System.Collections.Concurrent;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>A bounded record of realtime connection attempts, oldest first. Thread-safe.</summary>
internal sealed class ConnectionAttemptLog
{
    private const int Limit = 1000;
    private readonly ConcurrentQueue<EmulatorConnectionAttempt> _attempts = new();

    public void Record(EmulatorConnectionAttempt attempt)
    {
        _attempts.Enqueue(attempt);
        while (_attempts.Count > Limit && _attempts.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<EmulatorConnectionAttempt> Snapshot() => _attempts.ToArray();
}
