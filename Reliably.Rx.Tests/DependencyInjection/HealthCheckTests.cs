using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Reliably.Rx.Extensions.DependencyInjection;
using Reliably.Rx.Extensions.DependencyInjection.HealthChecks;

namespace Reliably.Rx.Tests.DependencyInjection;

[TestFixture]
public sealed class HealthCheckTests
{
    [TestCase(ConnectionState.Connected, HealthStatus.Healthy)]
    [TestCase(ConnectionState.Initialized, HealthStatus.Degraded)]
    [TestCase(ConnectionState.Connecting, HealthStatus.Degraded)]
    [TestCase(ConnectionState.Disconnected, HealthStatus.Degraded)]
    [TestCase(ConnectionState.Suspended, HealthStatus.Unhealthy)]
    [TestCase(ConnectionState.Closing, HealthStatus.Unhealthy)]
    [TestCase(ConnectionState.Closed, HealthStatus.Unhealthy)]
    [TestCase(ConnectionState.Failed, HealthStatus.Unhealthy)]
    public void EveryConnectionState_MapsToAStatus(ConnectionState state, HealthStatus expected) =>
        Assert.That(AblyRealtimeHealthCheck.Classify(state, HealthStatus.Unhealthy), Is.EqualTo(expected));

    [Test]
    public void TheFailureStatus_IsTheRegistrations() =>
        Assert.That(AblyRealtimeHealthCheck.Classify(ConnectionState.Suspended, HealthStatus.Degraded), Is.EqualTo(HealthStatus.Degraded));

    [Test]
    public async Task Registration_ReportsAnUnconnectedClientAsDegraded_WithNameTagsAndNoSecrets()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAblyRealtime(ClientOptions.ForEmulator("http://127.0.0.1:9", "appId.keyId:secret") with { AutoConnect = false });
        services.AddHealthChecks().AddAblyRealtime("ably", HealthStatus.Degraded, ["ready"]);
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));

        var entry = report.Entries["ably"];
        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Degraded));
        Assert.That(entry.Description, Does.Contain("Initialized"));
        Assert.That(entry.Data.Values.Select(v => v.ToString()), Has.None.Contains("secret"));
    }

    [Test]
    public void NullOrEmptyArguments_AreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => ((IHealthChecksBuilder)null!).AddAblyRealtime());
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddHealthChecks().AddAblyRealtime(""));
    }
}
