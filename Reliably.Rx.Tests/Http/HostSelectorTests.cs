using Microsoft.Reactive.Testing;
using Reliably.Rx.Hosts;

namespace Reliably.Rx.Tests.Http;

[TestFixture]
public sealed class HostSelectorTests
{
    private static readonly string[] DefaultFallbacks =
    {
        "main.a.fallback.ably-realtime.com", "main.b.fallback.ably-realtime.com", "main.c.fallback.ably-realtime.com",
        "main.d.fallback.ably-realtime.com", "main.e.fallback.ably-realtime.com",
    };

    [Test]
    public void REC1a_DefaultPrimaryAndREC2c1_DefaultFallbacks()
    {
        Assert.That(EndpointHosts.PrimaryDomain(null), Is.EqualTo("main.realtime.ably.net"));
        Assert.That(EndpointHosts.DefaultFallbackDomains(null), Is.EqualTo(DefaultFallbacks));
    }

    [Test]
    public void REC1b4_RoutingIdEndpoint()
    {
        Assert.That(EndpointHosts.PrimaryDomain("acme"), Is.EqualTo("acme.realtime.ably.net"));
        Assert.That(EndpointHosts.DefaultFallbackDomains("acme")[0], Is.EqualTo("acme.a.fallback.ably-realtime.com"));
    }

    [Test]
    public void REC1b3_NonProdEndpoint()
    {
        Assert.That(EndpointHosts.PrimaryDomain("nonprod:sandbox"), Is.EqualTo("sandbox.realtime.ably-nonprod.net"));
        Assert.That(EndpointHosts.DefaultFallbackDomains("nonprod:sandbox"),
            Is.EqualTo(new[] { "a", "b", "c", "d", "e" }.Select(l => $"sandbox.{l}.fallback.ably-realtime-nonprod.com")));
    }

    [TestCase("127.0.0.1")]
    [TestCase("localhost")]
    [TestCase("::1")]
    [TestCase("example.com")]
    public void REC1b2_LiteralHostHasNoDefaultFallbacks(string endpoint)
    {
        Assert.That(EndpointHosts.PrimaryDomain(endpoint), Is.EqualTo(endpoint));
        Assert.That(EndpointHosts.FallbackDomains(new ClientOptions { Endpoint = endpoint }), Is.Empty);
    }

    [Test]
    public void REC2a2_ExplicitFallbacksApplyEvenToALiteralHost()
    {
        var options = new ClientOptions { Endpoint = "127.0.0.1", FallbackHosts = new[] { "127.0.0.2", "127.0.0.3" } };
        Assert.That(EndpointHosts.FallbackDomains(options), Is.EqualTo(new[] { "127.0.0.2", "127.0.0.3" }));
    }

    [Test]
    public void RSC15m_EmptyFallbackListDisablesFallback()
    {
        var selector = HostSelector.FromOptions(new ClientOptions { FallbackHosts = Array.Empty<string>() }, new TestScheduler());
        Assert.That(selector.HasFallbacks, Is.False);
        Assert.That(selector.GetPlan().Hosts, Is.EqualTo(new[] { "main.realtime.ably.net" }));
    }

    [Test]
    public void RSC15a_PrimaryFirstThenEveryFallbackInRandomOrder()
    {
        var selector = HostSelector.FromOptions(ClientOptions.Default, new TestScheduler(), new Random(7));
        var orders = Enumerable.Range(0, 20).Select(_ => selector.GetPlan().Hosts).ToList();

        foreach (var hosts in orders)
        {
            Assert.That(hosts[0], Is.EqualTo("main.realtime.ably.net"));
            Assert.That(hosts.Skip(1), Is.EquivalentTo(DefaultFallbacks));
        }

        Assert.That(orders.Select(h => string.Join(",", h)).Distinct().Count(), Is.GreaterThan(1), "the order must vary");
    }

    [Test]
    public void RSC15f_SuccessfulFallbackIsPreferredUntilFallbackRetryTimeoutOnSchedulerTime()
    {
        var scheduler = new TestScheduler();
        var selector = new HostSelector("primary", new[] { "fb1", "fb2" }, TimeSpan.FromSeconds(60), scheduler, new Random(1));
        var plan = selector.GetPlan();

        selector.RecordFailure("primary");
        selector.RecordSuccess("fb2", plan);

        Assert.That(selector.GetPlan().Hosts, Is.EqualTo(new[] { "fb2", "primary", "fb1" }));
        scheduler.AdvanceBy(TimeSpan.FromSeconds(59).Ticks);
        Assert.That(selector.PreferredFallback, Is.EqualTo("fb2"));
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.That(selector.PreferredFallback, Is.Null);
        Assert.That(selector.GetPlan().Hosts[0], Is.EqualTo("primary"));
    }

    [Test]
    public void RSC15f_LateSuccessOnAnExpiredPreferredHostDoesNotResurrectIt()
    {
        var scheduler = new TestScheduler();
        var selector = new HostSelector("primary", new[] { "fb1" }, TimeSpan.FromSeconds(10), scheduler);
        selector.RecordSuccess("fb1", selector.GetPlan());
        var planUsingPreferred = selector.GetPlan();
        Assert.That(planUsingPreferred.Preferred, Is.EqualTo("fb1"));

        scheduler.AdvanceBy(TimeSpan.FromSeconds(11).Ticks);
        selector.RecordSuccess("fb1", planUsingPreferred);

        Assert.That(selector.PreferredFallback, Is.Null);
    }

    [Test]
    public void RSC15f_FailingPreferredHostIsDroppedAndPrimaryComesNext()
    {
        var selector = new HostSelector("primary", new[] { "fb1", "fb2" }, TimeSpan.FromMinutes(10), new TestScheduler());
        selector.RecordSuccess("fb1", selector.GetPlan());
        var plan = selector.GetPlan();
        Assert.That(plan.Hosts.Take(2), Is.EqualTo(new[] { "fb1", "primary" }));

        selector.RecordFailure("fb1");

        Assert.That(selector.PreferredFallback, Is.Null);
    }

    [Test]
    public void RTN17e_TheRealtimeConnectionsFallbackHostComesFirst_ThenThePreferredOne_ThenThePrimary()
    {
        var scheduler = new TestScheduler();
        var selector = new HostSelector("primary", new[] { "f1", "f2", "f3" }, TimeSpan.FromMinutes(10), scheduler, new Random(7));
        selector.RecordSuccess("f1", selector.GetPlan());
        selector.UseRealtimeHost("f2");

        var plan = selector.GetPlan().Hosts;
        Assert.That(plan.Take(3), Is.EqualTo(new[] { "f2", "f1", "primary" }));
        Assert.That(plan, Is.Unique.And.Count.EqualTo(4));
        Assert.That(selector.GetPlan(primaryFirst: true).Hosts[0], Is.EqualTo("primary"), "realtime connections still start at the primary (RTN17i)");

        selector.UseRealtimeHost("f1");
        Assert.That(selector.GetPlan().Hosts.Take(2), Is.EqualTo(new[] { "f1", "primary" }), "the same host is not listed twice");

        selector.UseRealtimeHost("primary");
        Assert.That(selector.RealtimeHost, Is.Null, "connected to the primary: nothing to prefer");
        selector.UseRealtimeHost(null);
        Assert.That(selector.GetPlan().Hosts.Take(2), Is.EqualTo(new[] { "f1", "primary" }), "back to RSC15f");
    }
}
