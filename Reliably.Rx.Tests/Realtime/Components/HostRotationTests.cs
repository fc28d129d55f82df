using Reliably.Rx.Randomness;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime.Components;

[TestFixture]
public sealed class HostRotationTests
{
    private static readonly ClientOptions Options = new() { Key = "a.b:c", Endpoint = "localhost", FallbackHosts = ["f1.example", "f2.example"] };

    [Test]
    public void RTN17i_a_cycle_starts_on_the_primary_then_walks_the_fallbacks()
    {
        var hosts = new HostRotation(new RealtimeHosts(Options), new RandomSource(new RealtimeHarness.PinnedRandom()), null, null);
        hosts.StartCycle(0);
        Assert.That((hosts.Current, hosts.OnPrimary, hosts.Count), Is.EqualTo(("localhost", true, 3)));
        var visited = new List<string> { hosts.Current };
        while (hosts.HasNext)
        {
            visited.Add(hosts.Next());
        }

        Assert.That(visited, Is.EquivalentTo(new[] { "localhost", "f1.example", "f2.example" }));
        Assert.That(visited[0], Is.EqualTo("localhost"));
    }

    [Test]
    public void RTN17e_REST_hears_of_the_fallback_host_of_a_connection_and_of_its_end()
    {
        var told = new List<string?>();
        var hosts = new HostRotation(new RealtimeHosts(Options), new RandomSource(new RealtimeHarness.PinnedRandom()), null, told.Add);
        hosts.StartCycle(0);
        hosts.OnConnected();
        hosts.StartCycle(1);
        var fallback = hosts.Current;
        hosts.OnConnected();
        hosts.OnConnectionGone();
        Assert.That(told, Is.EqualTo(new[] { null, fallback, null }));
        Assert.That(fallback, Is.Not.EqualTo("localhost"));
    }

    [Test]
    public void RTN17j_a_start_beyond_the_plan_stays_on_its_last_host()
    {
        var hosts = new HostRotation(new RealtimeHosts(Options with { FallbackHosts = [] }), new RandomSource(null), null, null);
        hosts.StartCycle(1);
        Assert.That((hosts.Current, hosts.HasNext), Is.EqualTo(("localhost", false)));
    }

    [Test]
    public async Task REC3_the_connectivity_check_answers_and_one_that_throws_gives_a_faulted_task()
    {
        var up = new HostRotation(new RealtimeHosts(Options), new RandomSource(null), null, null);
        Assert.That(await up.CheckConnectivityAsync(CancellationToken.None), Is.True, "no check: the network counts as up");

        var throwing = new HostRotation(new RealtimeHosts(Options), new RandomSource(null), _ => throw new InvalidOperationException("no network stack"), null);
        var check = throwing.CheckConnectivityAsync(CancellationToken.None);
        Assert.That(check.IsFaulted, Is.True);
    }
}
