using Reliably.Rx.Hosts;
using Reliably.Rx.Randomness;

namespace Reliably.Rx.Realtime;

/// <summary>
/// The realtime hosts (REC1, REC2, RTN17): the primary domain and fallback domains come from the shared
/// <see cref="EndpointHosts"/> rules used by REST, so both sides agree; the order of one connection cycle is realtime's
/// own: always the primary first (RTN17i), then the fallbacks in random order (RTN17h). A literal endpoint (an IP, a
/// name with a dot or <c>::</c>, or <c>localhost</c>) has no fallbacks unless <see cref="ClientOptions.FallbackHosts"/>
/// lists some.
/// </summary>
internal sealed class RealtimeHosts
{
    public RealtimeHosts(ClientOptions options)
    {
        Primary = EndpointHosts.PrimaryDomainOf(options);
        Fallbacks = EndpointHosts.FallbackDomains(options);
    }

    public string Primary { get; }

    public IReadOnlyList<string> Fallbacks { get; }

    /// <summary>The hosts for one connection cycle: the primary first, then the fallbacks shuffled.</summary>
    public List<string> Plan(RandomSource random)
    {
        var fallbacks = Fallbacks.ToArray();
        random.Shuffle(fallbacks);
        var plan = new List<string>(fallbacks.Length + 1) { Primary };
        plan.AddRange(fallbacks);
        return plan;
    }
}
