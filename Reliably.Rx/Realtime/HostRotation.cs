using Reliably.Rx.Randomness;

namespace Reliably.Rx.Realtime;

/// <summary>
/// RTN17: the hosts of one connection cycle and the one in use: the primary first, then the fallbacks in random order;
/// the connectivity check before leaving the primary (RTN17j); the REST client told which datacenter the connection
/// reached (RTN17e). Loop only, except <see cref="CheckConnectivityAsync"/>.
/// </summary>
internal sealed class HostRotation
{
    private readonly RealtimeHosts _hosts;
    private readonly RandomSource _random;
    private readonly Func<CancellationToken, Task<bool>> _connectivityCheck;
    private readonly Action<string?>? _connectedHost;
    private List<string> _plan = new();
    private int _index;

    /// <param name="hosts">The primary and fallback hosts.</param>
    /// <param name="random">Shuffles the fallbacks of each cycle (RTN17h).</param>
    /// <param name="connectivityCheck">REC3: true when the network is up; null for "always up".</param>
    /// <param name="connectedHost">RTN17e: told the fallback host of a connection (null for the primary or no connection).</param>
    public HostRotation(RealtimeHosts hosts, RandomSource random, Func<CancellationToken, Task<bool>>? connectivityCheck, Action<string?>? connectedHost)
    {
        _hosts = hosts;
        _random = random;
        _connectivityCheck = connectivityCheck ?? (_ => Task.FromResult(true));
        _connectedHost = connectedHost;
    }

    /// <summary>The host of the current attempt.</summary>
    public string Current => _plan[_index];

    /// <summary>How many hosts the cycle has (the primary and its fallbacks).</summary>
    public int Count => _plan.Count;

    /// <summary>True while the cycle is on its first host (the primary, RTN17i).</summary>
    public bool OnPrimary => _index == 0;

    /// <summary>True when the cycle has a host after the current one.</summary>
    public bool HasNext => _index + 1 < _plan.Count;

    /// <summary>A new cycle: a fresh plan, starting at <paramref name="startIndex"/> (1 to prefer a fallback).</summary>
    public void StartCycle(int startIndex)
    {
        _plan = _hosts.Plan(_random);
        _index = Math.Min(startIndex, _plan.Count - 1);
    }

    /// <summary>Moves to the next host of the cycle and returns it.</summary>
    public string Next() => _plan[++_index];

    /// <summary>REC3: the connectivity check, callable from any thread; a check that throws gives a faulted task.</summary>
    public Task<bool> CheckConnectivityAsync(CancellationToken cancellationToken)
    {
        try
        {
            return _connectivityCheck(cancellationToken);
        }
        catch (Exception ex)
        {
            return Task.FromException<bool>(ex);
        }
    }

    /// <summary>RTN17e: connected through a fallback host, the client's REST requests go to the same datacenter first.</summary>
    public void OnConnected() => _connectedHost?.Invoke(OnPrimary ? null : Current);

    /// <summary>RTN17e: REST stops preferring the datacenter of a connection that is gone.</summary>
    public void OnConnectionGone() => _connectedHost?.Invoke(null);
}
