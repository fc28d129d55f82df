using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reliably.Rx.Extensions.DependencyInjection;

namespace Reliably.Rx.Tests.DependencyInjection;

[TestFixture]
public sealed class ServiceCollectionTests
{
    private static readonly ClientOptions Options = new()
    {
        Key = "appId.keyId:secret",
        Endpoint = "127.0.0.1",
        Port = 9,
        Tls = false,
        AllowInsecureBasicAuth = true,
        AutoConnect = false,
    };

    [Test]
    public async Task AddAblyRealtime_RegistersOneRealtimeAndOneRestClient_WithTheContainersLoggerFactory()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAblyRealtime(Options);
        await using var provider = services.BuildServiceProvider();

        var realtime = provider.GetRequiredService<AblyRealtime>();
        var rest = provider.GetRequiredService<AblyRest>();

        Assert.That(provider.GetRequiredService<AblyRealtime>(), Is.SameAs(realtime));
        Assert.That(realtime.Options.Key, Is.EqualTo(Options.Key));
        Assert.That(realtime.Options.LoggerFactory, Is.SameAs(provider.GetRequiredService<ILoggerFactory>()));
        Assert.That(rest.Options.LoggerFactory, Is.SameAs(realtime.Options.LoggerFactory));
        Assert.That(realtime.Connection.State, Is.EqualTo(ConnectionState.Initialized), "AutoConnect = false is honoured");
    }

    [Test]
    public async Task DisposingTheContainer_DisposesTheClients()
    {
        var services = new ServiceCollection();
        services.AddAblyRealtime(_ => Options);
        var provider = services.BuildServiceProvider();
        var realtime = provider.GetRequiredService<AblyRealtime>();

        await provider.DisposeAsync();

        Assert.That(realtime.IsDisposed, Is.True);
    }

    [Test]
    public void NullArguments_AreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddAblyRealtime((ClientOptions)null!));
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddAblyRealtime(Options));
    }
}
