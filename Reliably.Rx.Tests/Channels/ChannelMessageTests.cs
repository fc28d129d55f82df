using System.Reactive.Linq;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>Message delivery in virtual time (RTL7, RTL17, TM2a/c/f, RSL6b, typed data, SubscriberErrors).</summary>
[TestFixture]
public sealed class ChannelMessageTests
{
    [Test]
    public async Task RTL7g_subscribing_attaches_and_RTL8_unsubscribing_does_not_detach()
    {
        await using var c = new ChannelHarness();
        var subscription = c.Subscribe();
        c.Pump();
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attaching));
        c.Receive(c.Attached());
        subscription.Dispose();
        c.Pump();
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(c.Sent(ProtocolAction.Detach), Is.Empty);
    }

    [Test]
    public async Task RTL7g_AttachOnSubscribe_false_does_not_attach()
    {
        await using var c = new ChannelHarness(options: new ChannelOptions { AttachOnSubscribe = false });
        using var subscription = c.Subscribe();
        c.Pump();
        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Initialized));
    }

    [Test]
    public async Task TM2a_TM2c_TM2f_id_connectionId_and_timestamp_come_from_the_ProtocolMessage_when_absent()
    {
        await using var c = new ChannelHarness();
        using var subscription = c.Subscribe();
        c.Pump();
        c.Receive(c.Attached());
        var own = new Message("b", "y") { Id = "own-id", ConnectionId = "own-conn", Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(5) };
        c.Receive(c.MessageFrame("pm-id", "s-1", new Message("a", "x"), own));
        Assert.That(c.Received.Select(m => m.Id), Is.EqualTo(new[] { "pm-id:0", "own-id" }));
        Assert.That(c.Received.Select(m => m.ConnectionId), Is.EqualTo(new[] { "pub-conn", "own-conn" }));
        Assert.That(c.Received[0].Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)));
        Assert.That(c.Received[1].Timestamp, Is.EqualTo(DateTimeOffset.FromUnixTimeMilliseconds(5)));
    }

    [Test]
    public async Task TM2s_TM2s1_TM2s2_a_received_message_without_a_version_gets_one_from_its_serial_and_filled_timestamp()
    {
        await using var c = new ChannelHarness();
        using var subscription = c.Subscribe();
        c.Pump();
        c.Receive(c.Attached());
        var edited = new Message("b", "y") { Serial = "s-b", Version = new MessageVersion { Serial = "v-b", ClientId = "editor" } };
        c.Receive(c.MessageFrame("pm-id", "s-1", new Message("a", "x") { Serial = "s-a" }, edited));

        // TM2s2: the timestamp is the one the message takes from its ProtocolMessage (TM2f).
        var frameTime = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
        Assert.That(c.Received[0].Version, Is.EqualTo(new MessageVersion { Serial = "s-a", Timestamp = frameTime }));
        Assert.That(c.Received[1].Version, Is.EqualTo(new MessageVersion { Serial = "v-b", Timestamp = frameTime, ClientId = "editor" }));
    }

    [Test]
    public async Task RTL17_messages_are_delivered_only_while_ATTACHED()
    {
        await using var c = new ChannelHarness(options: new ChannelOptions { AttachOnSubscribe = false });
        using var subscription = c.Subscribe();
        c.Receive(c.MessageFrame("early", "s-0", new Message("n", "before attach")));
        await c.AttachNow();
        c.Receive(c.MessageFrame("live", "s-1", new Message("n", "attached")));
        _ = c.Channel.DetachAsync();
        c.Pump();
        c.Receive(c.MessageFrame("late", "s-2", new Message("n", "detaching")));
        Assert.That(c.Received.Select(m => m.Data), Is.EqualTo(new[] { "attached" }));
    }

    [Test]
    public async Task RSL6b_undecodable_data_is_delivered_with_its_encoding_and_reported()
    {
        await using var c = new ChannelHarness();
        using var subscription = c.Subscribe();
        c.Pump();
        c.Receive(c.Attached());
        c.Receive(c.MessageFrame("m", "s-1", new Message("n", "not json{") { Encoding = "json" }, new Message("ok", "{\"a\":1}") { Encoding = "json" }));
        Assert.That(c.Received, Has.Count.EqualTo(2));
        Assert.That(c.Received[0].Encoding, Is.EqualTo("json"));
        Assert.That(c.Received[1].Data, Is.InstanceOf<JToken>());
        Assert.That(c.Errors.OfType<AblyException>().Single().Code, Is.EqualTo(ErrorCodes.InvalidMessageDataOrEncoding));
    }

    [Test]
    public async Task Encrypted_messages_are_decrypted_with_the_channel_cipher()
    {
        var cipher = CipherParams.FromBase64("WUP6u0K7MXI5Zeo0VppPwg==");
        await using var c = new ChannelHarness(options: new ChannelOptions { Cipher = cipher });
        using var subscription = c.Subscribe();
        c.Pump();
        c.Receive(c.Attached());
        var encrypted = Reliably.Rx.PayloadEncoding.MessageEncoder.Encode(new Message("secret", "top secret"), cipher, Reliably.Rx.Serialization.WireFormat.Json);
        Assert.That(encrypted.Encoding, Does.Contain("cipher"));
        c.Receive(c.MessageFrame("m", "s-1", encrypted));
        Assert.That(c.Received.Single().Data, Is.EqualTo("top secret"));
        Assert.That(c.Received.Single().Encoding, Is.Null);
    }

    [Test]
    public async Task Typed_messages_convert_data_and_report_conversion_errors_without_erroring()
    {
        await using var c = new ChannelHarness();
        var prices = new List<Price?>();
        var completed = false;
        using var subscription = c.Channel.Messages<Price>("price").Subscribe(prices.Add, _ => Assert.Fail("must not error"), () => completed = true);
        c.Pump();
        c.Receive(c.Attached());
        c.Receive(c.MessageFrame("m", "s-1",
            new Message("price", MessageData.Json(new Price { Symbol = "ABC", Value = 1.5m })),
            new Message("other", MessageData.Json(new Price { Symbol = "X" })),
            new Message("price", "not a price"),
            new Message("price", MessageData.Json(new Price { Symbol = "DEF", Value = 2m }))));
        Assert.That(prices.Select(p => p!.Symbol), Is.EqualTo(new[] { "ABC", "DEF" }));
        Assert.That(c.Errors.OfType<AblyException>().Single().Code, Is.EqualTo(ErrorCodes.InvalidMessageDataOrEncoding));
        Assert.That(completed, Is.False);
    }

    [Test]
    public async Task A_throwing_subscriber_is_reported_and_keeps_receiving_while_others_are_unaffected()
    {
        await using var c = new ChannelHarness();
        var seen = new List<string?>();
        using var thrower = c.Channel.Messages().Subscribe(m =>
        {
            seen.Add(m.Name);
            throw new InvalidOperationException("subscriber bug");
        });
        using var good = c.Subscribe();
        c.Pump();
        c.Receive(c.Attached());
        c.Receive(c.MessageFrame("m", "s-1", new Message("a", "1"), new Message("b", "2")));
        Assert.That(seen, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(c.Received, Has.Count.EqualTo(2));
        Assert.That(c.Errors.OfType<InvalidOperationException>().Count(), Is.EqualTo(2));
    }

    [Test]
    public async Task ReadAllAsync_yields_messages_in_order_and_ends_on_release()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();

        // An async iterator runs synchronously up to its first await, so the first MoveNextAsync has subscribed.
        await using var enumerator = c.Channel.ReadAllAsync().GetAsyncEnumerator();
        var first = enumerator.MoveNextAsync();
        c.Receive(c.MessageFrame("m", "s-1", new Message("a", "1"), new Message("b", "2")));
        var release = c.H.Client.Channels.ReleaseAsync(c.Name);
        c.Pump();
        c.Receive(c.Detached());
        Assert.That(await release.WaitAsync(TimeSpan.FromSeconds(5)), Is.True);
        c.Pump();

        var read = new List<string?>();
        var more = await first.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        while (more)
        {
            read.Add(enumerator.Current.Name);
            more = await enumerator.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        }

        Assert.That(read, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(c.H.Client.Channels.Exists(c.Name), Is.False);
    }

    public sealed class Price
    {
        public string? Symbol { get; set; }

        public decimal Value { get; set; }
    }
}
