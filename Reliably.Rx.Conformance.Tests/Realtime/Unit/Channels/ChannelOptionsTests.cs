using System.Web;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>uts/realtime/unit/channels/channel_options.md (TB2, TB3, TB4, RTS3b, RTS3c, RTS3c1, RTS5, RTL16, DO2a).</summary>
/// <remarks>
/// <c>RealtimeChannelOptions</c> is <see cref="ChannelOptions"/>. Its modes are a <see cref="ChannelModes"/> flags
/// value, whose absent value is <see cref="ChannelModes.None"/> (the spec's <c>modes IS null</c>) and whose length is
/// the number of flags set.
/// </remarks>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_options.md")]
public sealed class ChannelOptionsTests
{
    private static readonly Dictionary<string, string> Rewind = new() { ["rewind"] = "1" };

    // UTS: realtime/unit/TB2/channel-options-attributes-0
    [Test]
    public void TB2_TB2b_TB2c_TB2d_TB4_ChannelOptionsAttributes()
    {
        var options = new ChannelOptions();

        Assert.That(options.Cipher, Is.Null);
        Assert.That(options.Params, Is.Null);
        Assert.That(options.Modes, Is.EqualTo(ChannelModes.None));
        Assert.That(options.AttachOnSubscribe, Is.True);
    }

    // UTS: realtime/unit/TB2c/options-with-params-0
    [Test]
    public void TB2c_ChannelOptionsWithParams()
    {
        var options = new ChannelOptions { Params = new Dictionary<string, string> { ["rewind"] = "1", ["delta"] = "vcdiff" } };

        Assert.That(options.Params!["rewind"], Is.EqualTo("1"));
        Assert.That(options.Params["delta"], Is.EqualTo("vcdiff"));
    }

    // UTS: realtime/unit/TB2d/options-with-modes-0
    [Test]
    public void TB2d_ChannelOptionsWithModes()
    {
        var options = new ChannelOptions { Modes = ChannelModes.Publish | ChannelModes.Subscribe };

        Assert.That(options.Modes.HasFlag(ChannelModes.Publish), Is.True);
        Assert.That(options.Modes.HasFlag(ChannelModes.Subscribe), Is.True);
        Assert.That(System.Numerics.BitOperations.PopCount((uint)options.Modes), Is.EqualTo(2));
    }

    // UTS: realtime/unit/TB3/with-cipher-key-0
    [Test]
    [Adapted("No withCipherKey constructor (TB3 makes it optional, for languages where a hash map of options is unidiomatic): the options are built from the key with an object initializer and CipherParams.FromBase64.")]
    public void TB3_WithCipherKeyConstructor()
    {
        const string key = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";
        var options = new ChannelOptions { Cipher = CipherParams.FromBase64(key) };

        Assert.That(options.Cipher, Is.Not.Null);
        Assert.That(options.Cipher!.Algorithm, Is.EqualTo("aes"));
        Assert.That(options.Cipher.KeyLength, Is.EqualTo(256));
    }

    // UTS: realtime/unit/TB4/attach-on-subscribe-default-0
    [Test]
    public void TB4_AttachOnSubscribeDefault()
    {
        var options1 = new ChannelOptions();
        var options2 = new ChannelOptions { AttachOnSubscribe = false };

        Assert.That(options1.AttachOnSubscribe, Is.True);
        Assert.That(options2.AttachOnSubscribe, Is.False);
    }

    // UTS: realtime/unit/RTS3b/options-set-on-new-0
    [Test]
    public async Task RTS3b_OptionsSetOnNewChannel()
    {
        var (_, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channelOptions = new ChannelOptions { Params = Rewind, Modes = ChannelModes.Subscribe };

        var channel = client.Channels.Get("test-RTS3b", channelOptions);

        Assert.That(channel.Options.Params!["rewind"], Is.EqualTo("1"));
        Assert.That(channel.Options.Modes.HasFlag(ChannelModes.Subscribe), Is.True);
    }

    // UTS: realtime/unit/RTS3c/options-updated-existing-0
    [Test]
    public async Task RTS3c_OptionsUpdatedOnExistingChannel()
    {
        var (scheduler, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTS3c", new ChannelOptions { AttachOnSubscribe = false });

        // Options that need no re-attach.
        var newOptions = new ChannelOptions { Cipher = new CipherParams(CipherParams.GenerateRandomKey()), AttachOnSubscribe = true };
        var sameChannel = client.Channels.Get("test-RTS3c", newOptions);
        scheduler.ProcessPendingEvents();

        Assert.That(sameChannel, Is.SameAs(channel));
        Assert.That(channel.Options.Cipher, Is.Not.Null);
        Assert.That(channel.Options.AttachOnSubscribe, Is.True);
    }

    // UTS: realtime/unit/RTS3c1/error-reattach-params-0
    [Test]
    [Divergence("Channels.Get with new params or modes for an attached or attaching channel replaced its options and re-attached in the background; it now throws 40000 and leaves the options unchanged, pointing to SetOptionsAsync.")]
    public async Task RTS3c1_ErrorIfOptionsWouldTriggerReattachment()
    {
        // The spec's set-up attaches without a mock; attaching needs a server that answers.
        await using var f = ChannelFixture.Attached("test-RTS3c1");
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));

        var error = Assert.Throws<AblyException>(() => f.Client.Channels.Get(f.Channel.Name, new ChannelOptions { Params = Rewind }));

        Assert.That(error!.Code, Is.EqualTo(40000));
        Assert.That(f.Channel.Options.Params, Is.Null, "unchanged");
    }

    // UTS: realtime/unit/RTS3c1/error-reattach-modes-1
    [Test]
    [Divergence("Channels.Get with new modes for an attaching channel replaced its options and re-attached in the background; it now throws 40000.")]
    public async Task RTS3c1_ErrorIfModesChangeOnAttachingChannel()
    {
        var (scheduler, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTS3c1-attaching");

        // ATTACHING: an attach while the connection is INITIALIZED (RTL4i).
        _ = channel.AttachAsync();
        scheduler.AwaitState(channel, ChannelState.Attaching);

        var error = Assert.Throws<AblyException>(() => client.Channels.Get(channel.Name, new ChannelOptions { Modes = ChannelModes.Subscribe }));

        Assert.That(error!.Code, Is.EqualTo(40000));
    }

    // UTS: realtime/unit/RTL16/set-options-updates-0
    [Test]
    public async Task RTL16_SetOptionsUpdatesChannelOptions()
    {
        var (scheduler, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channel = client.Channels.Get("test-RTL16");

        scheduler.Await(channel.SetOptionsAsync(new ChannelOptions
        {
            Params = new Dictionary<string, string> { ["delta"] = "vcdiff" },
            AttachOnSubscribe = false,
        }));

        Assert.That(channel.Options.Params!["delta"], Is.EqualTo("vcdiff"));
        Assert.That(channel.Options.AttachOnSubscribe, Is.False);
    }

    // UTS: realtime/unit/RTL16a/triggers-reattach-0
    [Test]
    public async Task RTL16a_SetOptionsTriggersReattachmentWhenNeeded()
    {
        await using var f = ChannelFixture.Attached("test-RTL16a");
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        var stateChanges = f.Channel.Record();

        f.Scheduler.Await(f.Channel.SetOptionsAsync(new ChannelOptions { Params = Rewind }));
        f.Scheduler.ProcessPendingEvents();

        Assert.That(stateChanges.Any(c => c.Current == ChannelState.Attaching), Is.True, "through ATTACHING");
        Assert.That(f.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(f.Channel.Options.Params!["rewind"], Is.EqualTo("1"));
    }

    // UTS: realtime/unit/RTS5a/creates-derived-channel-0
    [Test]
    [Divergence("Channels#getDerived was missing; RealtimeChannels.GetDerived and DeriveOptions now derive the channel [filter=<base64>]name.")]
    public async Task RTS5a_GetDerivedCreatesDerivedChannel()
    {
        var (_, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });

        var channel = client.Channels.GetDerived("test-RTS5a", new DeriveOptions { Filter = "name == 'foo'" });

        Assert.That(channel.Name, Does.StartWith("[filter="));
        Assert.That(channel.Name, Does.EndWith("]test-RTS5a"));
    }

    // UTS: realtime/unit/RTS5a1/filter-base64-encoded-0
    [Test]
    [Divergence("Channels#getDerived was missing; the filter is now base64-encoded into the derived channel's name.")]
    public async Task RTS5a1_DerivedChannelFilterIsBase64Encoded()
    {
        var (_, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        const string filter = "name == 'test'";

        var channel = client.Channels.GetDerived("test-RTS5a1", new DeriveOptions { Filter = filter });
        var expectedEncoded = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(filter));

        Assert.That(expectedEncoded, Is.EqualTo("bmFtZSA9PSAndGVzdCc="));
        Assert.That(channel.Name, Is.EqualTo("[filter=" + expectedEncoded + "]test-RTS5a1"));
    }

    // UTS: realtime/unit/RTS5a2/derived-with-params-0
    [Test]
    [Divergence("Channels#getDerived was missing; the channel options' params now follow the filter in the derived channel's qualifier.")]
    public async Task RTS5a2_DerivedChannelWithParams()
    {
        var (_, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channelOptions = new ChannelOptions { Params = new Dictionary<string, string> { ["rewind"] = "1", ["delta"] = "vcdiff" } };

        var channel = client.Channels.GetDerived("test-RTS5a2", new DeriveOptions { Filter = "type == 'message'" }, channelOptions);

        Assert.That(channel.Name, Does.EndWith("]test-RTS5a2"));
        var qualifier = channel.Name[1..channel.Name.IndexOf(']', StringComparison.Ordinal)];
        Assert.That(qualifier, Does.StartWith("filter="));
        Assert.That(qualifier, Does.Contain("?"), "params in the qualifier");
        var parsedParams = HttpUtility.ParseQueryString(qualifier.Split('?')[1]);
        Assert.That(parsedParams["rewind"], Is.EqualTo("1"));
        Assert.That(parsedParams["delta"], Is.EqualTo("vcdiff"));
        Assert.That(parsedParams.Count, Is.EqualTo(2));
    }

    // UTS: realtime/unit/RTS5/get-derived-with-options-0
    [Test]
    [Divergence("Channels#getDerived was missing; its channel options are now set on the derived channel.")]
    public async Task RTS5_GetDerivedWithOptionsSetsThemOnChannel()
    {
        var (_, server) = Uts.Mock();
        await using var client = server.CreateRealtime(o => o with { AutoConnect = false });
        var channelOptions = new ChannelOptions { Modes = ChannelModes.Subscribe, AttachOnSubscribe = false };

        var channel = client.Channels.GetDerived("test-RTS5", new DeriveOptions { Filter = "true" }, channelOptions);

        Assert.That(channel.Options.Modes.HasFlag(ChannelModes.Subscribe), Is.True);
        Assert.That(channel.Options.AttachOnSubscribe, Is.False);
    }

    // UTS: realtime/unit/DO2a/filter-attribute-0
    [Test]
    [Divergence("DeriveOptions was missing; it now carries the filter (DO2a).")]
    public void DO2a_DeriveOptionsFilterAttribute()
    {
        var deriveOptions = new DeriveOptions { Filter = "name == 'event' && data.count > 10" };

        Assert.That(deriveOptions.Filter, Is.EqualTo("name == 'event' && data.count > 10"));
    }
}
