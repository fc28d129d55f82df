using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// RTL6i against the emulator over real sockets: every publish call is one ProtocolMessage however many wait to be sent
/// together (RTL6i1), an array is one (RTL6i2), and every message arrives once, in publish order, with its own id.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class PublishFramingIntegrationTests : RealtimeEmulatorFixture
{
    private const int MessageAction = 15;

    [TestCaseSource(nameof(Formats))]
    public async Task RTL6c2_RTL6i1_publishes_queued_before_connecting_go_out_one_frame_each_and_arrive_in_order(string format)
    {
        var name = UniqueChannel("queued");
        var (collector, subscription) = await SubscribeAsync((await ConnectedClient(format)).Channels.Get(name));
        using var _ = subscription;

        await using var publisher = new AblyRealtime(Options(format) with { AutoConnect = false });
        var outbound = publisher.Channels.Get(name);
        var publishes = Enumerable.Range(0, 200).Select(i => outbound.PublishAsync(Name(i), "payload-" + Name(i))).ToArray();
        publisher.Connection.Connect();
        await Task.WhenAll(publishes).WaitAsync(Wait);
        await collector.WaitForCountAsync(200, Wait);

        var frames = Emulator.GetFrames(publisher.Connection.Id!)
            .Where(f => f.Direction == EmulatorFrameDirection.Inbound && f.Action == MessageAction)
            .ToList();
        Assert.That(frames, Has.Count.EqualTo(200), "RTL6i1: one ProtocolMessage per publish");
        Assert.That(collector.Messages.Select(m => m.Name), Is.EqualTo(Enumerable.Range(0, 200).Select(Name)), "publish order");
        var ids = collector.Messages.Select(m => m.Id!).ToList();
        Assert.That(ids.Distinct().Count(), Is.EqualTo(200), "every message keeps its own id");
        Assert.That(ids.Select(id => id[..id.LastIndexOf(':')]).Distinct().Count(), Is.EqualTo(200), "RSL1k1: a base per publish call");
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTL6i1_concurrent_publishers_on_one_connection_each_message_arrives_once_in_each_publishers_order(string format)
    {
        const int threads = 8, perThread = 600;
        var name = UniqueChannel("load");
        var (collector, subscription) = await SubscribeAsync((await ConnectedClient(format)).Channels.Get(name));
        using var _ = subscription;
        var publisher = await ConnectedClient(format);
        var outbound = publisher.Channels.Get(name);

        var acks = await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
            Enumerable.Range(0, perThread).Select(i => outbound.PublishAsync($"{t}:{i}", "x")).ToArray()))).WaitAsync(Wait);
        await Task.WhenAll(acks.SelectMany(a => a)).WaitAsync(Wait);
        await collector.WaitForCountAsync(threads * perThread, Wait);

        var names = collector.Messages.Select(m => m.Name!).ToList();
        Assert.That(names, Has.Count.EqualTo(threads * perThread));
        Assert.That(names.Distinct().Count(), Is.EqualTo(threads * perThread), "none duplicated");
        foreach (var group in names.GroupBy(n => n.Split(':')[0]))
        {
            Assert.That(group.Select(n => int.Parse(n.Split(':')[1], CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, perThread)), "each publisher's order kept, none lost");
        }

        // The emulator logs the latest frames only; every one of them carries one message.
        var frames = Emulator.GetFrames(publisher.Connection.Id!).Where(f => f.Direction == EmulatorFrameDirection.Inbound && f.Action == MessageAction).ToList();
        Assert.That(frames, Is.Not.Empty);
        Assert.That(frames.Select(f => Newtonsoft.Json.Linq.JObject.Parse(f.Json)["messages"]!.Count()), Is.All.EqualTo(1), "RTL6i1: one message per ProtocolMessage");
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTL6i2_PublishBatches_turns_a_stream_into_array_publishes_that_arrive_in_order(string format)
    {
        var name = UniqueChannel("batches");
        var (collector, subscription) = await SubscribeAsync((await ConnectedClient(format)).Channels.Get(name));
        using var _ = subscription;
        var publisher = await ConnectedClient(format);

        var source = Observable.Range(0, 250).Select(i => new Message(Name(i), "payload-" + Name(i)));
        var batches = await Observable.ToList(source.PublishBatches(publisher.Channels.Get(name), 100, TimeSpan.FromSeconds(1))).ToTask().WaitAsync(Wait);
        await collector.WaitForCountAsync(250, Wait);

        Assert.That(batches.Select(b => b.Count), Is.EqualTo(new[] { 100, 100, 50 }));
        Assert.That(collector.Messages.Select(m => m.Name), Is.EqualTo(Enumerable.Range(0, 250).Select(Name)));
        var frames = Emulator.GetFrames(publisher.Connection.Id!).Count(f => f.Direction == EmulatorFrameDirection.Inbound && f.Action == MessageAction);
        Assert.That(frames, Is.EqualTo(3), "RTL6i2: one ProtocolMessage per batch");
    }

    private static string Name(int i) => i.ToString(CultureInfo.InvariantCulture);
}
