using System.Reactive.Concurrency;
using Reliably.Rx.Randomness;

namespace Reliably.Rx.Hosts;

/// <summary>
/// Chooses which hosts a request (REST, RSC15) or a connection attempt (realtime, RTN17) tries, and in which order.
/// Independent of HTTP: callers report the outcome with <see cref="RecordSuccess"/> / <see cref="RecordFailure"/>.
/// Thread-safe. The injected scheduler is the only clock.
/// </summary>
/// <remarks>
/// Order of a plan: the fallback host the realtime connection is connected to, if any (RTN17e); the preferred fallback
/// if one succeeded less than <c>fallbackRetryTimeout</c> ago (RSC15f); then the primary host, then the other fallbacks in a fresh random order (RSC15a). The plan is not truncated; the
/// caller applies its own retry limit (httpMaxRetryCount, RSC15a) and duration (httpMaxRetryDuration).
/// </remarks>
internal sealed class HostSelector
{
    private readonly object _gate = new();
    private readonly IScheduler _scheduler;
    private readonly TimeSpan _fallbackRetryTimeout;
    private readonly RandomSource _random;
    private string? _preferred;
    private DateTimeOffset _preferredUntil;
    private string? _realtimeHost;

    public HostSelector(string primaryHost, IReadOnlyList<string> fallbackHosts, TimeSpan fallbackRetryTimeout, IScheduler scheduler, Random? random = null)
    {
        PrimaryHost = primaryHost ?? throw new ArgumentNullException(nameof(primaryHost));
        FallbackHosts = (fallbackHosts ?? throw new ArgumentNullException(nameof(fallbackHosts)))
            .Where(h => !string.Equals(h, primaryHost, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        _fallbackRetryTimeout = fallbackRetryTimeout;
        _scheduler = scheduler ?? throw new ArgumentNullException(nameof(scheduler));
        _random = new RandomSource(random);
    }

    /// <summary>The primary domain (REC1).</summary>
    public string PrimaryHost { get; }

    /// <summary>The fallback domains (REC2), without the primary.</summary>
    public IReadOnlyList<string> FallbackHosts { get; }

    /// <summary>True when fallback is possible at all (RSC15m).</summary>
    public bool HasFallbacks => FallbackHosts.Count > 0;

    /// <summary>Creates a selector for the hosts that <paramref name="options"/> configure.</summary>
    public static HostSelector FromOptions(ClientOptions options, IScheduler scheduler, Random? random = null) =>
        new(EndpointHosts.PrimaryDomainOf(options), EndpointHosts.FallbackDomains(options), options.FallbackRetryTimeout, scheduler, random ?? options.Random);

    /// <summary>The preferred fallback host while it is still within fallbackRetryTimeout, otherwise null (RSC15f).</summary>
    public string? PreferredFallback
    {
        get
        {
            lock (_gate)
            {
                return CurrentPreferredLocked();
            }
        }
    }

    /// <summary>
    /// RTN17e: while the realtime connection of the same client is connected to a fallback host, REST requests try that
    /// host first (the same datacenter), then continue as usual. Null (or the primary) clears it.
    /// </summary>
    public void UseRealtimeHost(string? host)
    {
        lock (_gate)
        {
            _realtimeHost = host is not null && !string.Equals(host, PrimaryHost, StringComparison.OrdinalIgnoreCase) ? host : null;
        }
    }

    /// <summary>The fallback host the realtime connection is connected to, if any (RTN17e).</summary>
    public string? RealtimeHost
    {
        get
        {
            lock (_gate)
            {
                return _realtimeHost;
            }
        }
    }

    /// <summary>The hosts to try for one request or connection attempt, in order; see the class remarks.</summary>
    /// <param name="primaryFirst">
    /// True to start with the primary even while a fallback is preferred: realtime connections always try the primary
    /// first (RTN17i). REST leaves it false so the preferred fallback is used first (RSC15f).
    /// </param>
    public HostPlan GetPlan(bool primaryFirst = false)
    {
        string? preferred;
        string? realtime;
        string[] shuffled;
        lock (_gate)
        {
            preferred = primaryFirst ? null : CurrentPreferredLocked();
            realtime = primaryFirst ? null : _realtimeHost;
            shuffled = FallbackHosts.ToArray();
            _random.Shuffle(shuffled);
        }

        var hosts = new List<string>(FallbackHosts.Count + 2);
        if (realtime is not null)
        {
            hosts.Add(realtime);
        }

        if (preferred is not null && !hosts.Contains(preferred, StringComparer.OrdinalIgnoreCase))
        {
            hosts.Add(preferred);
        }

        hosts.Add(PrimaryHost);
        hosts.AddRange(shuffled.Where(h => !hosts.Contains(h, StringComparer.OrdinalIgnoreCase)));
        return new HostPlan(hosts, preferred ?? realtime);
    }

    /// <summary>
    /// Reports that <paramref name="host"/> answered. A fallback that was not already the preferred host becomes
    /// preferred for fallbackRetryTimeout (RSC15f). Success on the preferred host does not extend its window, so a late
    /// answer after the window closed cannot resurrect it.
    /// </summary>
    public void RecordSuccess(string host, HostPlan plan)
    {
        if (string.Equals(host, PrimaryHost, StringComparison.OrdinalIgnoreCase)
            || string.Equals(host, plan.Preferred, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        lock (_gate)
        {
            _preferred = host;
            _preferredUntil = _scheduler.Now + _fallbackRetryTimeout;
        }
    }

    /// <summary>Reports a qualifying failure on <paramref name="host"/>: a failing preferred fallback stops being preferred (RSC15f).</summary>
    public void RecordFailure(string host)
    {
        lock (_gate)
        {
            if (string.Equals(_preferred, host, StringComparison.OrdinalIgnoreCase))
            {
                _preferred = null;
            }
        }
    }

    private string? CurrentPreferredLocked()
    {
        if (_preferred is not null && _scheduler.Now >= _preferredUntil)
        {
            _preferred = null;
        }

        return _preferred;
    }
}

/// <summary>The ordered hosts for one attempt and which of them (if any) was the preferred fallback.</summary>
internal sealed record HostPlan(IReadOnlyList<string> Hosts, string? Preferred);
