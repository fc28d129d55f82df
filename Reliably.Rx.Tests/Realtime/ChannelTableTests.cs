using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;
using Reliably.Rx.Serialization;
using Reliably.Rx.Tests.Serialization;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// The registry's table of channels is also the table the decoding thread asks for a frame's channel name: a frame
/// naming a registered channel carries the registry's own string; any other name is decoded as before, with the same
/// errors; names registered and released while frames are decoded are never torn and a released one is not handed out
/// again.
/// </summary>
[TestFixtureSource(typeof(CodecTestSupport), nameof(CodecTestSupport.BothFormats))]
public sealed class ChannelTableTests(string format)
{
    private readonly WireFormat _format = CodecTestSupport.ParseFormat(format);

    private IProtocolCodec Codec => ProtocolCodecs.For(_format);

    private sealed class Sink(string name) : IChannelSink
    {
        public string Name { get; } = name;

        public string? ChannelSerial => null;

        public void OnFrame(ProtocolMessage message)
        {
        }

        public void OnConnectionStateChanged(ConnectionStateChange change, bool resumed)
        {
        }
    }

    /// <summary>A name as a string instance of its own (never the interned literal), so instances can be told apart.</summary>
    private static string Fresh(string text) => new(text.AsSpan());

    private byte[] Frame(string channel) =>
        CodecTestSupport.Frame(_format, $$"""{"action":15,"channel":"{{channel}}","messages":[{"data":"d"}]}""");

    private string? Decode(byte[] frame, IKnownNames? names) => Codec.ReadProtocolMessage(frame, names).Channel;

    [TestCase("prices:eur")]
    [TestCase("[?rewind=1]devices:é✓")]
    [TestCase("名前:チャンネル")]
    [TestCase("emoji:😀")]
    public void A_registered_name_is_the_registrys_own_string(string text)
    {
        var registry = new ChannelRegistry((_, ex) => throw ex);
        var name = Fresh(text);
        registry.Register(new Sink(name));

        Assert.That(Decode(Frame(text), registry.Names), Is.SameAs(name));
        Assert.That(Decode(Frame(text), registry.Names), Is.SameAs(name), "the second frame");
        Assert.That(registry.Names.Find(text), Is.SameAs(name));
    }

    [TestCase("prices:eur", "Prices:eur")]
    [TestCase("prices:eur", "prices:EUR")]
    [TestCase("prices:eur", "prices:eus")]
    [TestCase("prices:eur", "prices:eu")]
    [TestCase("prices:eur", "prices:eurx")]
    [TestCase("prices:é", "prices:É")]
    [TestCase("prices:é", "prices:e")]
    public void An_unregistered_name_or_one_that_differs_in_case_or_one_byte_is_decoded_as_its_own_text(string registered, string framed)
    {
        var registry = new ChannelRegistry((_, ex) => throw ex);
        var name = Fresh(registered);
        registry.Register(new Sink(name));

        var decoded = Decode(Frame(framed), registry.Names);

        Assert.That(decoded, Is.EqualTo(framed));
        Assert.That(decoded, Is.Not.SameAs(name));
        Assert.That(registry.Names.Find(framed), Is.Null);
    }

    [Test]
    public void Invalid_UTF8_in_the_channel_name_gives_the_same_error_with_or_without_registered_names()
    {
        var registry = new ChannelRegistry((_, ex) => throw ex);
        registry.Register(new Sink("a("));

        // "a" + an invalid two-byte sequence (0xC3 0x28), as the name of a registered-looking channel.
        byte[] json = [.. CodecTestSupport.Utf8("""{"action":15,"channel":"a"""), 0xc3, 0x28, .. CodecTestSupport.Utf8("\"}")];
        byte[] msgpack = [0x82, 0xa6, .. "action"u8.ToArray(), 0x0f, 0xa7, .. "channel"u8.ToArray(), 0xa3, 0x61, 0xc3, 0x28];
        var frame = _format == WireFormat.Json ? json : msgpack;

        var without = Assert.Throws<AblyException>(() => Codec.ReadProtocolMessage(frame));
        var with = Assert.Throws<AblyException>(() => Codec.ReadProtocolMessage(frame, registry.Names));

        Assert.That((with!.Code, with.StatusCode, with.Message), Is.EqualTo((without!.Code, without.StatusCode, without.Message)));
        Assert.That(with.Code, Is.EqualTo(ErrorCodes.BadRequest));
    }

    [Test]
    public void A_released_name_is_not_handed_out_again_and_a_new_registration_gives_its_own_string()
    {
        var registry = new ChannelRegistry((_, ex) => throw ex);
        var first = Fresh("orders");
        registry.Register(new Sink(first));
        Assert.That(Decode(Frame("orders"), registry.Names), Is.SameAs(first));

        registry.Unregister("orders");
        var afterRelease = Decode(Frame("orders"), registry.Names);
        Assert.That(afterRelease, Is.EqualTo("orders"));
        Assert.That(afterRelease, Is.Not.SameAs(first));
        Assert.That(registry.Names.Find("orders"), Is.Null);

        var second = Fresh("orders");
        registry.Register(new Sink(second));
        Assert.That(Decode(Frame("orders"), registry.Names), Is.SameAs(second));
    }

    [Test]
    public void Connections_whose_frames_are_decoded_in_turn_on_one_thread_each_get_their_own_registrys_string()
    {
        // Several connections share the decoding threads: each one's previous channel is kept by its own table.
        var registries = Enumerable.Range(0, 3).Select(_ => new ChannelRegistry((_, ex) => throw ex)).ToArray();
        var names = registries.Select(r =>
        {
            var name = Fresh("shared:channel");
            r.Register(new Sink(name));
            return name;
        }).ToArray();

        for (var round = 0; round < 3; round++)
        {
            for (var c = 0; c < registries.Length; c++)
            {
                Assert.That(Decode(Frame("shared:channel"), registries[c].Names), Is.SameAs(names[c]), $"round {round}, connection {c}");
                Assert.That(registries[c].Names.LastFound, Is.SameAs(names[c]));
            }
        }

        registries[1].Unregister("shared:channel");
        Assert.That(registries[1].Names.LastFound, Is.Null, "a released name is not kept");
        Assert.That(Decode(Frame("shared:channel"), registries[1].Names), Is.Not.SameAs(names[1]));
    }

    [Test]
    public void Lookups_match_a_dictionary_through_many_registrations_and_releases()
    {
        // Removals move the following entries of a run back; every name must stay findable, through growth too.
        var registry = new ChannelRegistry((_, ex) => throw ex);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        var random = new Random(34);
        for (var step = 0; step < 20_000; step++)
        {
            var text = "c" + random.Next(2_000);
            if (expected.Remove(text))
            {
                registry.Unregister(text);
            }
            else
            {
                var name = Fresh(text);
                expected[text] = name;
                registry.Register(new Sink(name));
            }

            if (step % 1_000 == 0)
            {
                for (var i = 0; i < 2_000; i++)
                {
                    var probe = "c" + i;
                    Assert.That(registry.Names.Find(probe), Is.SameAs(expected.GetValueOrDefault(probe)), probe);
                }
            }
        }

        Assert.That(registry.Count, Is.EqualTo(expected.Count));
        foreach (var (text, name) in expected)
        {
            Assert.That(registry.TryGet(text, out var sink) ? sink.Name : null, Is.SameAs(name));
        }
    }

    [Test]
    public void Names_registered_and_released_while_frames_are_decoded_are_never_torn()
    {
        var registry = new ChannelRegistry((_, ex) => throw ex);
        var texts = Enumerable.Range(0, 64).Select(i => i % 2 == 0 ? "ch-" + i : "ch-é-" + i).ToArray();
        var frames = texts.Select(Frame).ToArray();
        var live = new string?[texts.Length];
        var released = new HashSet<string>(ReferenceEqualityComparer.Instance);
        using var stop = new CancellationTokenSource();

        // The owner's thread registers and releases names in turn, each registration a new string instance.
        var owner = Task.Run(() =>
        {
            var random = new Random(7);
            while (!stop.IsCancellationRequested)
            {
                var i = random.Next(texts.Length);
                if (Volatile.Read(ref live[i]) is null)
                {
                    var name = Fresh(texts[i]);
                    registry.Register(new Sink(name));
                    Volatile.Write(ref live[i], name);
                }
                else
                {
                    released.Add(live[i]!);
                    Volatile.Write(ref live[i], null);
                    registry.Unregister(texts[i]);
                }
            }
        });

        var decoded = 0;
        var sameInstance = 0;
        try
        {
            var random = new Random(11);
            for (var n = 0; n < 200_000; n++)
            {
                var i = random.Next(texts.Length);
                var channel = Decode(frames[i], registry.Names);
                Assert.That(channel, Is.EqualTo(texts[i]));
                decoded++;
                if (channel is not null && ReferenceEquals(channel, Volatile.Read(ref live[i])))
                {
                    sameInstance++;
                }
            }
        }
        finally
        {
            stop.Cancel();
            owner.Wait();
        }

        Assert.That(decoded, Is.EqualTo(200_000));
        Assert.That(sameInstance, Is.GreaterThan(0), "some frames carried the registered instance");

        // Once the owner has stopped, every name is the live instance or, when released, none of the released ones.
        Assert.That(released, Is.Not.Empty);
        for (var i = 0; i < texts.Length; i++)
        {
            var channel = Decode(frames[i], registry.Names);
            Assert.That(channel, live[i] is { } name ? Is.SameAs(name) : Is.EqualTo(texts[i]));
            Assert.That(released.Contains(channel!), Is.False, texts[i]);
            Assert.That(registry.Names.Find(texts[i]), Is.SameAs(live[i]));
        }
    }
}
