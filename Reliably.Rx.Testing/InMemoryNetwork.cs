using System.Reactive.Concurrency;
using Reliably.Rx.Testing.Internal;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Testing;

/// <summary>
/// The network between the in-memory Ably and its clients, on the test's scheduler: latency, outages, stalled
/// connections and lost frames. The server's own faults (drops, refusals, NACKs, DETACHED...) are on
/// <see cref="InMemoryAbly.Faults"/>.
/// </summary>
/// <remarks>
/// Every realtime event (a connection attempt, each frame, each close) and every REST exchange crosses it as a scheduled
/// item: after <see cref="Latency"/> (at least one scheduler step, 100 ns), in order per connection and direction.
/// </remarks>
public sealed class InMemoryNetwork
{
    private readonly IScheduler _scheduler;
    private readonly List<InMemoryTransport> _connections = new();
    private readonly List<LossRule> _losses = new();
    private TimeSpan _latency;
    private IDisposable? _outageEnd;

    internal InMemoryNetwork(IScheduler scheduler, TimeSpan latency)
    {
        _scheduler = scheduler;
        Latency = latency;
    }

    /// <summary>
    /// The one-way latency of every realtime event and of each half of a REST exchange, in virtual time. Zero (the
    /// default) still costs one scheduler step per crossing. Frames already in flight keep their time; order is kept.
    /// </summary>
    public TimeSpan Latency
    {
        get => _latency;
        set => _latency = value >= TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Latency must not be negative.");
    }

    /// <summary>True during an outage.</summary>
    public bool IsDown { get; private set; }

    /// <summary>
    /// An outage of <paramref name="duration"/> from now: every open connection is lost at once (both ends learn of it, as
    /// when the machine's network goes away), and until it ends every connection attempt fails to connect (a qualifying
    /// failure for fallback hosts, RTN17f) and every HTTP request fails to reach a host.
    /// </summary>
    /// <param name="duration">How long, in virtual time.</param>
    public void Outage(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "An outage lasts some time.");
        }

        BeginOutage();
        _outageEnd = _scheduler.Schedule(duration, EndOutage);
    }

    /// <summary>
    /// An outage of <paramref name="duration"/> for one client only (the one made with <paramref name="client"/>, from
    /// <see cref="InMemoryAbly.CreateOptions"/>): its connections are lost and it reaches nothing until the outage ends,
    /// while every other client carries on. See <see cref="Outage(TimeSpan)"/>.
    /// </summary>
    /// <param name="duration">How long, in virtual time.</param>
    /// <param name="client">The client's options (<c>client.Options</c>).</param>
    public void Outage(TimeSpan duration, ClientOptions client)
    {
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "An outage lasts some time.");
        }

        var nic = (client?.TransportFactory as InMemoryTransportFactory)?.Nic
            ?? throw new ArgumentException("Not the options of a client of this in-memory Ably (see InMemoryAbly.CreateOptions).", nameof(client));
        nic.OutageEnd?.Dispose();
        nic.IsDown = true;
        foreach (var connection in Open().Where(c => c.Nic == nic))
        {
            connection.Sever("Network unreachable (in-memory outage)");
        }

        nic.OutageEnd = _scheduler.Schedule(duration, () =>
        {
            nic.IsDown = false;
            nic.OutageEnd = null;
        });
    }

    /// <summary>Starts an outage that lasts until <see cref="EndOutage"/> (see <see cref="Outage(TimeSpan)"/>).</summary>
    public void BeginOutage()
    {
        IsDown = true;
        foreach (var connection in Open())
        {
            connection.Sever("Network unreachable (in-memory outage)");
        }
    }

    /// <summary>Ends the outage: connections and requests get through again.</summary>
    public void EndOutage()
    {
        IsDown = false;
        _outageEnd?.Dispose();
        _outageEnd = null;
    }

    /// <summary>
    /// Stalls a connection (or, with no id, every open one): no frame gets through either way, and nothing closes, as
    /// when a network path silently goes dead. The client's idle timer (RTN23a) is what notices. Frames sent meanwhile
    /// are lost.
    /// </summary>
    /// <param name="connectionId">The server's connection id (the client's <c>Connection.Id</c>), or null for all.</param>
    /// <param name="stalled">False lets frames through again.</param>
    /// <returns>How many connections changed.</returns>
    public int Stall(string? connectionId = null, bool stalled = true)
    {
        var targets = Open().Where(c => connectionId is null || c.ConnectionId == connectionId).ToList();
        foreach (var connection in targets)
        {
            connection.Stalled = stalled;
        }

        return targets.Count;
    }

    /// <summary>
    /// Loses the next <paramref name="count"/> frames that match, on any connection, in the given direction: the frames
    /// simply never arrive (the connection stays up).
    /// </summary>
    /// <param name="direction">Which way.</param>
    /// <param name="match">Which frames; null for any.</param>
    /// <param name="count">How many to lose.</param>
    public void LoseFrames(FrameDirection direction, Func<NetworkFrame, bool>? match = null, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _losses.Add(new LossRule(direction, match ?? (_ => true)) { Remaining = count });
    }

    /// <summary>Ends every stall and forgets every loss rule; an outage goes on until it ends.</summary>
    public void Heal()
    {
        _losses.Clear();
        Stall(stalled: false);
    }

    internal void Track(InMemoryTransport connection)
    {
        _connections.RemoveAll(c => c.Ended);
        _connections.Add(connection);
    }

    /// <summary>Whether a frame gets through: false when a loss rule takes it.</summary>
    internal bool Pass(InMemoryTransport connection, FrameDirection direction, byte[] frame, TransportFrameKind kind)
    {
        if (_losses.Count == 0)
        {
            return true;
        }

        NetworkFrame? seen = null;
        foreach (var rule in _losses)
        {
            if (rule.Direction != direction)
            {
                continue;
            }

            seen ??= new NetworkFrame(direction, connection.ConnectionId, ProtocolFrame.Decode(frame, kind));
            if (rule.Match(seen))
            {
                if (--rule.Remaining <= 0)
                {
                    _losses.Remove(rule);
                }

                return false;
            }
        }

        return true;
    }

    private List<InMemoryTransport> Open()
    {
        _connections.RemoveAll(c => c.Ended);
        return _connections.ToList();
    }

    private sealed record LossRule(FrameDirection Direction, Func<NetworkFrame, bool> Match)
    {
        public int Remaining { get; set; }
    }
}
