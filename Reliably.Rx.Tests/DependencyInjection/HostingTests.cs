using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Reliably.Rx.Emulator;
using Reliably.Rx.Extensions.DependencyInjection;

namespace Reliably.Rx.Tests.DependencyInjection;

/// <summary>A generic host around the DI registrations, against the in-process emulator: start, health, stop.</summary>
[TestFixture]
public sealed class HostingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private AblyEmulator _emulator = null!;

    [OneTimeSetUp]
    public async Task StartEmulator() => _emulator = await AblyEmulator.StartAsync().WaitAsync(Wait);

    [OneTimeTearDown]
    public async Task StopEmulator() => await _emulator.DisposeAsync();

    [SetUp]
    public void ResetFaults() => _emulator.Faults.Reset();

    [Test]
    public async Task HostStart_Connects_EvenWithAutoConnectOff_AndWaitsWhenAsked()
    {
        using var host = Build(Options() with { AutoConnect = false }, waitForConnection: Wait);
        var client = host.Services.GetRequiredService<AblyRealtime>();
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Initialized));

        await host.StartAsync().WaitAsync(Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected), "start waited for CONNECTED");
        await host.StopAsync().WaitAsync(Wait);
    }

    [Test]
    public async Task HostStart_WithoutWaiting_ReturnsWhileConnecting_AndTheHealthCheckTurnsHealthy()
    {
        using var host = Build(Options() with { AutoConnect = false });
        await host.StartAsync().WaitAsync(Wait);
        var client = host.Services.GetRequiredService<AblyRealtime>();

        // AutoConnect is off: only the start can have asked for this connection (Connect() posts to the loop).
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(Wait);

        var entry = report.Entries["ably-realtime"];
        Assert.That(entry.Status, Is.EqualTo(HealthStatus.Healthy));
        Assert.That(entry.Data["state"], Is.EqualTo("Connected"));
        Assert.That(entry.Data["connectionId"], Is.EqualTo(client.Connection.Id));
        await host.StopAsync().WaitAsync(Wait);
    }

    [Test]
    public async Task HostStart_FailsWhenTheConnectionFails_WhileWaiting()
    {
        using var host = Build(Options() with { Key = _emulator.DefaultKey.Split(':')[0] + ":wrong-secret" }, waitForConnection: Wait);

        var ex = Assert.ThrowsAsync<AblyException>(() => host.StartAsync().WaitAsync(Wait));

        Assert.That(ex!.ErrorInfo.Code, Is.EqualTo(40101), "the server's reason for the FAILED connection");
    }

    [Test]
    public async Task HostStop_ClosesGracefully()
    {
        using var host = Build(Options(), waitForConnection: Wait);
        await host.StartAsync().WaitAsync(Wait);
        var client = host.Services.GetRequiredService<AblyRealtime>();
        var id = client.Connection.Id;

        await host.StopAsync().WaitAsync(Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Closed), "CLOSE answered by CLOSED (RTN12)");
        Assert.That(_emulator.GetConnections().Select(c => c.ConnectionId), Does.Not.Contain(id), "the server dropped the closed connection's state");
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(Wait);
        Assert.That(report.Entries["ably-realtime"].Status, Is.EqualTo(HealthStatus.Unhealthy), "a closed connection carries nothing");
    }

    [Test]
    public async Task HostStop_IsBoundedByTheShutdownTimeout_WhenTheServerNeverAnswersClose()
    {
        // The client alone would wait realtimeRequestTimeout (an hour here) for CLOSED; the host allows 200 ms.
        using var host = Build(Options() with { RealtimeRequestTimeout = TimeSpan.FromHours(1) }, waitForConnection: Wait, shutdownTimeout: TimeSpan.FromMilliseconds(200));
        await host.StartAsync().WaitAsync(Wait);
        var client = host.Services.GetRequiredService<AblyRealtime>();
        _emulator.Faults.SetSilent(client.Connection.Id!, true);

        await host.StopAsync().WaitAsync(Wait);

        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Closing), "stop returned while CLOSED was still awaited");
        await ((IAsyncDisposable)host.Services).DisposeAsync();
        Assert.That(client.IsDisposed, Is.True, "the container disposes what the close left");
    }

    [Test]
    public void NegativeWait_IsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddAblyRealtimeHostedService(TimeSpan.FromSeconds(-1)));

    private ClientOptions Options() => ClientOptions.ForEmulator(_emulator.BaseUri, _emulator.DefaultKey);

    private static IHost Build(ClientOptions options, TimeSpan? waitForConnection = null, TimeSpan? shutdownTimeout = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAblyRealtime(options).AddAblyRealtimeHostedService(waitForConnection);
        builder.Services.AddHealthChecks().AddAblyRealtime();
        if (shutdownTimeout is { } timeout)
        {
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
        }

        return builder.Build();
    }
}
