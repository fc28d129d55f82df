using System.Net;

namespace Reliably.Rx.Tests.Rest.Integration;

/// <summary>RSC15 against a real server: the emulator listens on 127.0.0.1 and 127.0.0.2 and fails one address on demand.</summary>
[TestFixture]
[Category("Integration")]
public sealed class RestFallbackTests : EmulatorFixture
{
    [TestCaseSource(nameof(Formats))]
    public async Task RSC15l3_FallsBackTo127_0_0_2When127_0_0_1Answers500(string format)
    {
        Emulator.Faults.FailRestRequests(500, address: IPAddress.Loopback);
        await using var rest = Client(format, o => o with { FallbackHosts = new[] { "127.0.0.2" } });
        var name = UniqueChannel("fallback");

        await rest.Channels.Get(name).PublishAsync("n", "via fallback");
        var page = await rest.Channels.Get(name).HistoryAsync();

        Assert.That(page.Items.Single().Data, Is.EqualTo("via fallback"));
        Assert.That(rest.Hosts.PreferredFallback, Is.EqualTo("127.0.0.2"), "RSC15f: the working fallback is kept");
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSC15l_NoFallbackOn400(string format)
    {
        Emulator.Faults.FailRestRequests(400, address: IPAddress.Loopback);
        await using var rest = Client(format, o => o with { FallbackHosts = new[] { "127.0.0.2" } });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.StatusCode, Is.EqualTo(400));
        Assert.That(rest.Hosts.PreferredFallback, Is.Null);
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSC15l1_UnreachableHostFallsBack(string format)
    {
        // 127.0.0.3 has no listener: the connection is refused and the client moves on to 127.0.0.2.
        await using var rest = Client(format, o => o with { Endpoint = "127.0.0.3", FallbackHosts = new[] { "127.0.0.2" } });

        var time = await rest.TimeAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.That(time, Is.Not.EqualTo(default(DateTimeOffset)));
        Assert.That(rest.Hosts.PreferredFallback, Is.EqualTo("127.0.0.2"));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RSC15_AllHostsFailingSurfacesTheLastError(string format)
    {
        Emulator.Faults.FailRestRequests(503);
        await using var rest = Client(format, o => o with { FallbackHosts = new[] { "127.0.0.2" } });

        var ex = Assert.ThrowsAsync<AblyException>(() => rest.Channels.Get("c").HistoryAsync());

        Assert.That(ex!.StatusCode, Is.EqualTo(503));
    }
}
