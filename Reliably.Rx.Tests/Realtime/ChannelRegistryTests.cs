using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// The loop's channel registry: frames reach the channel they name, connection state changes reach every channel in
/// registration order, and the list that other threads read (RTN16 channel serials) is always a consistent view,
/// however channels come and go.
/// </summary>
public sealed class ChannelRegistryTests
{
    private sealed class Sink(string name) : IChannelSink
    {
        public List<string> Seen { get; } = [];

        public string Name { get; } = name;

        public string? ChannelSerial { get; set; }

        public Action? OnChange { get; set; }

        public void OnFrame(ProtocolMessage message) => Seen.Add("frame");

        public void OnConnectionStateChanged(ConnectionStateChange change, bool resumed)
        {
            Seen.Add(change.Current.ToString());
            OnChange?.Invoke();
        }
    }

    private static readonly ConnectionStateChange Connected = new(ConnectionState.Connecting, ConnectionState.Connected, ConnectionEvent.Connected);

    [Test]
    public void RTN16_Channel_serials_and_state_changes_cover_every_registered_channel_in_order()
    {
        var registry = new ChannelRegistry((_, ex) => throw ex);
        var sinks = Enumerable.Range(0, 100).Select(i => new Sink($"c{i}") { ChannelSerial = $"s{i}" }).ToList();
        var order = new List<string>();
        foreach (var sink in sinks)
        {
            sink.OnChange = () => order.Add(sink.Name);
            registry.Register(sink);
        }

        Assert.That(registry.Count, Is.EqualTo(100));
        Assert.That(registry.ChannelSerials(), Is.EquivalentTo(sinks.ToDictionary(s => s.Name, s => s.ChannelSerial!)));
        registry.OnConnectionStateChanged(Connected, resumed: false);
        Assert.That(order, Is.EqualTo(sinks.Select(s => s.Name)));
    }

    [Test]
    public void RTN16_Unregistering_and_replacing_leave_one_entry_per_name()
    {
        var registry = new ChannelRegistry((_, ex) => throw ex);
        var a = new Sink("a") { ChannelSerial = "1" };
        var b = new Sink("b") { ChannelSerial = "2" };
        var c = new Sink("c") { ChannelSerial = "3" };
        registry.Register(a);
        registry.Register(b);
        registry.Register(c);
        registry.Unregister("b");
        var a2 = new Sink("a") { ChannelSerial = "9" };
        registry.Register(a2);
        registry.Register(new Sink("d") { ChannelSerial = "4" });

        Assert.That(registry.ChannelSerials(), Is.EquivalentTo(new Dictionary<string, string> { ["a"] = "9", ["c"] = "3", ["d"] = "4" }));
        registry.OnConnectionStateChanged(Connected, resumed: false);
        Assert.That((a.Seen.Count, a2.Seen.Count, b.Seen.Count, c.Seen.Count), Is.EqualTo((0, 1, 0, 1)));
        Assert.That(registry.Dispatch(new ProtocolMessage(ProtocolAction.Message, "b")), Is.False, "an unregistered channel gets no frames");
        Assert.That(registry.Dispatch(new ProtocolMessage(ProtocolAction.Message, "a")), Is.True);
        Assert.That(a2.Seen, Has.Member("frame"));
    }

    [Test]
    public void RTN4_A_channel_registered_while_state_changes_are_delivered_waits_for_the_next_change()
    {
        // A sink's handler may register another channel (on the loop); the change being delivered goes to the channels
        // that were registered when it started, and the list the handler grew is complete for the next one.
        var registry = new ChannelRegistry((_, ex) => throw ex);
        var late = new Sink("late");
        var first = new Sink("first");
        first.OnChange = () =>
        {
            if (late.Seen.Count == 0 && registry.Count == 1)
            {
                registry.Register(late);
            }
        };
        registry.Register(first);
        for (var i = 0; i < 3; i++)
        {
            registry.Register(new Sink($"fill{i}"));
        }

        registry.Unregister("fill0");
        registry.Unregister("fill1");
        registry.Unregister("fill2");
        registry.OnConnectionStateChanged(Connected, resumed: false);
        Assert.That(late.Seen, Is.Empty, "registered during the delivery of the change");
        registry.OnConnectionStateChanged(Connected, resumed: false);
        Assert.That(late.Seen, Has.Count.EqualTo(1));
        Assert.That(first.Seen, Has.Count.EqualTo(2));
    }

    [Test]
    public void RTN16_Registering_ten_thousand_channels_keeps_every_one()
    {
        // Registration appends in amortised constant time; the view stays complete and in order at every growth step.
        var registry = new ChannelRegistry((_, ex) => throw ex);
        for (var i = 0; i < 10_000; i++)
        {
            registry.Register(new Sink($"c{i}") { ChannelSerial = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            if ((i & (i + 1)) == 0)
            {
                Assert.That(registry.ChannelSerials(), Has.Count.EqualTo(i + 1), $"after {i + 1}");
            }
        }

        Assert.That(registry.ChannelSerials().Values.Select(int.Parse).Order(), Is.EqualTo(Enumerable.Range(0, 10_000)));
    }
}
