using System.Net;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Realtime.Integration;

/// <summary>
/// RTN17 over real sockets: the emulator listens on 127.0.0.1 and 127.0.0.2; nothing listens on 127.0.0.3, so a client
/// whose primary host is 127.0.0.3 must fall back, after the connectivity check (RTN17j) says the network is up.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class RealtimeFallbackIntegrationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private AblyEmulator _emulator = null!;

    [OneTimeSetUp]
    public async Task StartEmulator() =>
        _emulator = await AblyEmulator.StartAsync(new EmulatorOptions { Addresses = [IPAddress.Loopback, IPAddress.Parse("127.0.0.2")] });

    [OneTimeTearDown]
    public async Task StopEmulator() => await _emulator.DisposeAsync();

    [TestCase(false)]
    [TestCase(true)]
    public async Task RTN17j_RTN17f_an_unreachable_primary_leads_to_the_fallback_once_the_connectivity_check_answers(bool binary)
    {
        await using var client = new AblyRealtime(Options(binary, checkAt: "127.0.0.1"));

        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var connection = _emulator.GetConnections().Single(c => c.ConnectionId == client.Connection.Id);
        Assert.That(connection.Format, Is.EqualTo(binary ? "msgpack" : "json"), "the only listener it can have reached is 127.0.0.2");
        await client.Channels.Get("fallback-" + binary).PublishAsync("m", "via the fallback host").WaitAsync(Wait);
    }

    [Test]
    public async Task RTN17j_when_the_connectivity_check_fails_no_fallback_is_tried_and_the_client_waits_DISCONNECTED()
    {
        var before = _emulator.GetConnections().Count;
        await using var client = new AblyRealtime(Options(binary: false, checkAt: "127.0.0.3"));

        var disconnected = await client.Connection.WaitForStateAsync(ConnectionState.Disconnected, Wait);
        Assert.That(disconnected.RetryIn, Is.GreaterThan(TimeSpan.Zero), "it retries later, from the primary");
        Assert.That(_emulator.GetConnections(), Has.Count.EqualTo(before), "127.0.0.2 was never tried");
    }

    private ClientOptions Options(bool binary, string checkAt) => new()
    {
        Key = _emulator.DefaultKey,
        Endpoint = "127.0.0.3",
        FallbackHosts = ["127.0.0.2"],
        Port = _emulator.Port,
        Tls = false,
        AllowInsecureBasicAuth = true,
        UseBinaryProtocol = binary,
        ConnectivityCheckUrl = $"http://{checkAt}:{_emulator.Port}/is-the-internet-up.txt",
        HttpOpenTimeout = TimeSpan.FromSeconds(2),
        HttpRequestTimeout = TimeSpan.FromSeconds(4),
    };
}
