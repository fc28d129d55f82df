using System.Globalization;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// RTL6d against the emulator over real sockets: publishes that wait together share frames, and every message still
/// arrives once, in publish order, with its own id and its own acknowledgement.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class PublishBundlingIntegrationTests : RealtimeEmulatorFixture
{
    private const int MessageAction = 15;

    [TestCaseSource(nameof(Formats))]
    public async Task RTL6c2_RTL6d_publishes_queued_before_connecting_go_out_in_one_frame_and_arrive_in_order(string format)
    {
        var name = UniqueChannel("bundle-queued");
        var (collector, subscription) = await SubscribeAsync((await ConnectedClient(format)).Channels.Get(name));
        using var _ = subscription;

        await using var publisher = new AblyRealtime(Options(format) with { AutoConnect = false });
        var outbound = publisher.Channels.Get(name);
        var publishes = Enumerable.Range(0, 300).Select(i => outbound.PublishAsync(Name(i), "payload-" + Name(i))).ToArray();
        publisher.Connection.Connect();
        await Task.WhenAll(publishes).WaitAsync(Wait);
        await collector.WaitForCountAsync(300, Wait);

        var frames = Emulator.GetFrames(publisher.Connection.Id!)
            .Where(f => f.Direction == EmulatorFrameDirection.Inbound && f.Action == MessageAction)
            .ToList();
        Assert.That(frames, Has.Count.EqualTo(1), "300 small queued publishes on one channel fit one frame (RTL6d1, RTL6d8)");
        Assert.That(collector.Messages.Select(m => m.Name), Is.EqualTo(Enumerable.Range(0, 300).Select(Name)), "RTL6d6: publish order");
        var ids = collector.Messages.Select(m => m.Id!).ToList();
        Assert.That(ids.Distinct().Count(), Is.EqualTo(300), "every message keeps its own id");
        Assert.That(ids.Select(id => id[..id.LastIndexOf(':')]).Distinct().Count(), Is.EqualTo(1), "one idempotent batch: one base");
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTL6d_concurrent_publishers_on_one_connection_each_message_arrives_once_in_each_publishers_order(string format)
    {
        const int threads = 8, perThread = 600;
        var name = UniqueChannel("bundle-load");
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

        var frames = Emulator.GetFrames(publisher.Connection.Id!).Count(f => f.Direction == EmulatorFrameDirection.Inbound && f.Action == MessageAction);
        TestContext.Out.WriteLine($"{threads * perThread} publishes went out in {frames} MESSAGE frames");
        Assert.That(frames, Is.InRange(1, threads * perThread));
    }

    private static string Name(int i) => i.ToString(CultureInfo.InvariantCulture);
}
