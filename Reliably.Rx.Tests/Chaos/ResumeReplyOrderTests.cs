using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Tests.Channels.Integration;

namespace Reliably.Rx.Tests.Chaos;

/// <summary>
/// The chaos runs' "server skipped this message's msgSerial" failures: a publish the server was still handling when a
/// resume replaced its transport. The emulator holds the handling of the publisher's frames
/// (<c>HoldInboundFrames</c>) and releases them one at a time, so the interleaving that a loaded machine produced now
/// and then happens every time.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class ResumeReplyOrderTests : RealtimeEmulatorFixture
{
    /// <summary>
    /// Batch A (msgSerial 0) is published but its ACK is swallowed; batch B (msgSerial 1) is read from the same transport,
    /// and the server is still handling it when the transport drops and the connection resumes (RTN15c6). The client
    /// resends both with the same msgSerials (RTN19a, RTN19a2). The server's reply to B, from the old transport, must not
    /// reach the new one ahead of the re-ACK of A: the client would take A as skipped by the server and fail it although
    /// it was published. The server answers the resends in msgSerial order (RTN7b, RTN19a).
    /// </summary>
    [TestCaseSource(nameof(Formats))]
    public async Task RTN19a_RTN7b_the_reply_to_a_publish_read_from_a_replaced_transport_does_not_overtake_the_re_ACK_of_an_earlier_one(string format)
    {
        var name = UniqueChannel("reply");
        var (collector, subscription) = await SubscribeAsync((await ConnectedClient("json")).Channels.Get(name));
        using var _ = subscription;
        var publisher = await ConnectedClient(format);
        var outbound = publisher.Channels.Get(name);
        var id = publisher.Connection.Id!;
        var resumed = publisher.Connection.StateChanges.Where(c => c.Current == ConnectionState.Connected).Skip(1).FirstAsync().ToTask();

        // A is published; its ACK is swallowed by the silent transport.
        Assert.That(Emulator.Faults.SetSilent(id, true), Is.True);
        var a = outbound.PublishAsync(Batch(0));
        await collector.WaitForCountAsync(50, Wait);

        // B is read from the same transport; the server holds its handling.
        var hold = Emulator.Faults.HoldInboundFrames(id)!;
        var b = outbound.PublishAsync(Batch(1));
        await hold.WhenHeld(1).WaitAsync(Wait);

        // The transport drops; the resume succeeds and the client resends A and B. The handling of the resent A is held
        // too (the new transport's frames wait behind it).
        Assert.That(Emulator.Faults.DropConnection(id), Is.True);
        var change = await resumed.WaitAsync(Wait);
        Assert.That(change.Reason, Is.Null, "the resume succeeded");
        await hold.WhenHeld(2).WaitAsync(Wait);

        // The server finishes B from the old transport, then handles the resends of A and B.
        await hold.ReleaseNextAsync().WaitAsync(Wait);
        hold.ReleaseAll();

        Assert.DoesNotThrowAsync(() => a.WaitAsync(Wait), "A was published: its resend is re-ACKed, not implicitly NACKed");
        Assert.DoesNotThrowAsync(() => b.WaitAsync(Wait));
        await outbound.PublishAsync(Batch(2)).WaitAsync(Wait);
        await collector.WaitForCountAsync(150, Wait);
        Assert.That(collector.Messages.Select(m => int.Parse(m.Name!, CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, 150)), "each once, in order");
        Assert.That(publisher.Connection.Id, Is.EqualTo(id));
    }

    private static List<Message> Batch(int b) =>
        Enumerable.Range(b * 50, 50).Select(i => new Message(i.ToString(CultureInfo.InvariantCulture), "p" + i)).ToList();
}
