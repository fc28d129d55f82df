using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Security;

/// <summary>
/// A token whose capability names one channel works on that channel only: elsewhere a REST publish and history read,
/// a realtime attach and a realtime publish are refused with 40160, and nothing reaches the other channel. The
/// connection and the permitted channel are unaffected.
/// </summary>
[TestFixture]
[Category("Security")]
[NonParallelizable]
public sealed class TokenScopeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private AblyEmulator _emulator = null!;

    [OneTimeSetUp]
    public async Task Start() => _emulator = await AblyEmulator.StartAsync().WaitAsync(Wait);

    [OneTimeTearDown]
    public async Task Stop() => await _emulator.DisposeAsync();

    private ClientOptions KeyOptions() => ClientOptions.ForEmulator(_emulator.BaseUri, _emulator.DefaultKey);

    private async Task<ClientOptions> TokenOptionsAsync(string channel)
    {
        using var issuer = new AblyRest(KeyOptions());
        var token = await issuer.Auth.RequestTokenAsync(new TokenParams { Capability = new Capability().Allow(channel, "*").ToJson() }).WaitAsync(Wait);
        return KeyOptions() with { Key = null, TokenDetails = token, AllowInsecureBasicAuth = false };
    }

    [Test]
    public async Task Over_REST_a_one_channel_token_publishes_and_reads_there_and_nowhere_else()
    {
        var allowed = "scoped-" + Guid.NewGuid().ToString("N")[..8];
        var other = "other-" + Guid.NewGuid().ToString("N")[..8];
        await using var rest = new AblyRest(await TokenOptionsAsync(allowed));

        await rest.Channels.Get(allowed).PublishAsync("ok", "permitted").WaitAsync(Wait);
        Assert.That((await rest.Channels.Get(allowed).HistoryAsync().WaitAsync(Wait)).Items, Has.Count.EqualTo(1));

        var publish = Assert.ThrowsAsync<AblyException>(async () => await rest.Channels.Get(other).PublishAsync("no", "denied").WaitAsync(Wait));
        Assert.That(publish!.ErrorInfo.Code, Is.EqualTo(40160));
        var history = Assert.ThrowsAsync<AblyException>(async () => await rest.Channels.Get(other).HistoryAsync().WaitAsync(Wait));
        Assert.That(history!.ErrorInfo.Code, Is.EqualTo(40160));

        await using var admin = new AblyRest(KeyOptions());
        Assert.That((await admin.Channels.Get(other).HistoryAsync().WaitAsync(Wait)).Items, Is.Empty, "nothing reached the other channel");
    }

    [Test]
    public async Task Over_realtime_a_one_channel_token_attaches_and_publishes_there_and_nowhere_else()
    {
        var allowed = "scoped-" + Guid.NewGuid().ToString("N")[..8];
        var other = "other-" + Guid.NewGuid().ToString("N")[..8];
        await using var client = new AblyRealtime(await TokenOptionsAsync(allowed));
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var permitted = client.Channels.Get(allowed);
        await permitted.AttachAsync().WaitAsync(Wait);

        var attach = Assert.ThrowsAsync<AblyException>(async () => await client.Channels.Get(other).AttachAsync().WaitAsync(Wait));
        Assert.That(attach!.ErrorInfo.Code, Is.EqualTo(40160));
        Assert.That(client.Channels.Get(other).State, Is.EqualTo(ChannelState.Failed));

        var elsewhere = client.Channels.Get(other + "-publish");
        var publish = Assert.ThrowsAsync<AblyException>(async () => await elsewhere.PublishAsync("no", "denied").WaitAsync(Wait));
        Assert.That(publish!.ErrorInfo.Code, Is.EqualTo(40160));

        await permitted.PublishAsync("ok", "permitted").WaitAsync(Wait);
        Assert.That(permitted.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));

        await using var admin = new AblyRest(KeyOptions());
        Assert.That((await admin.Channels.Get(other + "-publish").HistoryAsync().WaitAsync(Wait)).Items, Is.Empty, "nothing reached the other channel");
        Assert.That((await admin.Channels.Get(allowed).HistoryAsync().WaitAsync(Wait)).Items, Has.Count.EqualTo(1));
    }
}
