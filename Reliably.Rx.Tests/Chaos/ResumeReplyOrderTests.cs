using System.Globalization;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Tests.Channels.Integration;

namespace Reliably.Rx.Tests.Chaos;

/// <summary>
/// The chaos runs' "server skipped this message's msgSerial" failures: a reply that overtook the reply to an earlier
/// msgSerial (RTN7b). Two causes, both in the emulator: a publish the server was still handling when a resume replaced
/// its transport, and an ACK made while ACKs held by the ack-delay fault were being released. The emulator holds the
/// handling of the publisher's frames (<c>HoldInboundFrames</c>) or the release of its held ACKs (an internal hook), so
/// the interleaving that a loaded machine produced now and then happens every time.
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
        var (collector, subscription, publisher, outbound, resumed, a) = await PublishWithSwallowedAckAsync(format, o => o);
        using var _ = subscription;
        var id = publisher.Connection.Id!;

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

    /// <summary>
    /// Batch A (msgSerial 0) is published but its ACK is swallowed; batch B (msgSerial 1) is read from the same transport
    /// and its handling is still under way when the transport drops and the connection resumes. The client resends A and
    /// B on the new transport (RTN19a), and the resend of B arrives while the original is still being handled. The server
    /// must answer the resend with the original's reply, not handle it a second time: the messages carry no ids
    /// (idempotent publishing off), so nothing else would stop B being published twice.
    /// </summary>
    [TestCaseSource(nameof(Formats))]
    public async Task RTN19a_a_resend_that_arrives_while_the_original_is_still_being_handled_gets_its_reply_and_is_not_published_again(string format)
    {
        var (collector, subscription, publisher, outbound, resumed, a) =
            await PublishWithSwallowedAckAsync(format, o => o with { IdempotentRealtimePublishing = false });
        using var _ = subscription;
        var id = publisher.Connection.Id!;

        // The original B stays in its handling until released; a second handling of msgSerial 1 is the fault.
        var faults = Emulator.Server.Faults;
        var inHandling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handledTwice = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var resendWaits = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        var handlings = 0;
        faults.AfterAckBegun = (connection, msgSerial) =>
        {
            if (connection == id && msgSerial == 1)
            {
                if (Interlocked.Increment(ref handlings) == 1)
                {
                    inHandling.TrySetResult();
                    release.Wait(Wait);
                }
                else
                {
                    handledTwice.TrySetResult();
                }
            }
        };
        faults.ResendWaits = (connection, msgSerial) =>
        {
            if (connection == id && msgSerial == 1)
            {
                resendWaits.TrySetResult();
            }
        };
        try
        {
            var b = outbound.PublishAsync(Batch(1));
            await inHandling.Task.WaitAsync(Wait);

            // The resume's resends are held, then handled one at a time (a transport's frames are handled in order): the
            // resend of A, re-ACKed from the reply remembered for it, then the resend of B.
            var hold = Emulator.Faults.HoldInboundFrames(id)!;
            Assert.That(Emulator.Faults.DropConnection(id), Is.True);
            Assert.That((await resumed.WaitAsync(Wait)).Reason, Is.Null, "the resume succeeded");
            await hold.WhenHeld(1).WaitAsync(Wait);
            await hold.ReleaseNextAsync().WaitAsync(Wait);
            await hold.WhenHeld(2).WaitAsync(Wait);
            var resendOfB = hold.ReleaseNextAsync();

            var first = await Task.WhenAny(handledTwice.Task, resendWaits.Task).WaitAsync(Wait);
            release.Set();
            Assert.That(first == handledTwice.Task ? "handled a second time" : "waited for the original's reply", Is.EqualTo("waited for the original's reply"), "the resend of B");
            await resendOfB.WaitAsync(Wait);
            hold.ReleaseAll();

            Assert.DoesNotThrowAsync(() => a.WaitAsync(Wait));
            Assert.DoesNotThrowAsync(() => b.WaitAsync(Wait));
            await outbound.PublishAsync(Batch(2)).WaitAsync(Wait);
            await collector.WaitForCountAsync(150, Wait);
            Assert.That(collector.Messages.Select(m => int.Parse(m.Name!, CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, 150)), "each once, in order");
            Assert.That(handlings, Is.EqualTo(1), "msgSerial 1 was handled once");
        }
        finally
        {
            release.Set();
            faults.AfterAckBegun = null;
            faults.ResendWaits = null;
        }
    }

    /// <summary>
    /// The ack-delay fault holds the ACK of batch A (msgSerial 0); when it comes due it is taken out of the hold and sent.
    /// The delay is lifted meanwhile, and batch B (msgSerial 1) is published and ACKed at once while A's release is still
    /// under way on another thread. B's ACK must not reach the client ahead of A's: Ably acknowledges a connection's
    /// publishes in msgSerial order (RTN7b), so the client takes an ACK that starts above a msgSerial it awaits as the
    /// implicit NACK of that one (RTN7a) and would fail A although it was published.
    /// </summary>
    [TestCaseSource(nameof(Formats))]
    public async Task RTN7b_an_ACK_made_while_delayed_ACKs_are_being_released_does_not_overtake_them(string format)
    {
        var name = UniqueChannel("held-ack");
        var (collector, subscription) = await SubscribeAsync((await ConnectedClient("json")).Channels.Get(name));
        using var _ = subscription;
        var publisher = await ConnectedClient(format);
        var id = publisher.Connection.Id!;
        var outbound = publisher.Channels.Get(name);
        await outbound.AttachAsync().WaitAsync(Wait);

        // The release of the publisher's held ACKs stops once they are due and out of the hold, until the test lets it go.
        var faults = Emulator.Server.Faults;
        var due = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        faults.HeldRepliesDue = connection =>
        {
            if (connection == id && due.TrySetResult())
            {
                release.Wait(Wait);
            }
        };
        try
        {
            Emulator.Faults.DelayAcks(TimeSpan.FromMilliseconds(100));
            var a = outbound.PublishAsync(Batch(0));
            await due.Task.WaitAsync(Wait);
            Emulator.Faults.DelayAcks(TimeSpan.Zero);
            var b = outbound.PublishAsync(Batch(1));

            // A transport's frames are handled in order: once the ATTACHED of a channel attached after B has arrived, the
            // server has handled B and made its ACK.
            await publisher.Channels.Get(UniqueChannel("marker")).AttachAsync().WaitAsync(Wait);
            release.Set();

            Assert.DoesNotThrowAsync(() => a.WaitAsync(Wait), "A was published and ACKed: not implicitly NACKed by B's ACK");
            Assert.DoesNotThrowAsync(() => b.WaitAsync(Wait));
            await collector.WaitForCountAsync(100, Wait);
            Assert.That(collector.Messages.Select(m => int.Parse(m.Name!, CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(0, 100)), "each once, in order");
        }
        finally
        {
            release.Set();
            faults.HeldRepliesDue = null;
        }
    }

    /// <summary>
    /// The same race as above left to the scheduler: 30,000 publishes, 64 in flight, while the ack-delay fault is switched
    /// on (1-3 ms) and off every 4 publishes, so held ACKs are released over and over while undelayed ones are made.
    /// No publish may fail: each is ACKed, and an overtaking ACK would fail the one it skipped (RTN7a, RTN7b). Before the
    /// emulator handed a connection's replies over one thread at a time, three runs of 50,000 failed 12-62 publishes each.
    /// </summary>
    [Test]
    public async Task RTN7b_ACKs_keep_msgSerial_order_while_the_ack_delay_fault_is_switched_on_and_off()
    {
        var outbound = (await ConnectedClient("json")).Channels.Get(UniqueChannel("toggled-ack"));
        var random = new Random(7);
        var failures = new List<string>();
        var inFlight = new Queue<Task<PublishResult>>();
        async Task Settle(Task<PublishResult> publish)
        {
            try
            {
                await publish.WaitAsync(Wait);
            }
            catch (AblyException ex)
            {
                failures.Add(ex.Message);
            }
        }

        try
        {
            for (var i = 0; i < 30_000; i++)
            {
                if (i % 4 == 0)
                {
                    // The publishing itself paces the fault: on for 4 publishes, off for the next 4.
                    Emulator.Faults.DelayAcks(i % 8 == 0 ? TimeSpan.FromMilliseconds(1 + random.Next(3)) : TimeSpan.Zero);
                }

                inFlight.Enqueue(outbound.PublishAsync(i.ToString(CultureInfo.InvariantCulture), "x"));
                if (inFlight.Count >= 64)
                {
                    await Settle(inFlight.Dequeue());
                }
            }

            while (inFlight.TryDequeue(out var publish))
            {
                await Settle(publish);
            }
        }
        finally
        {
            Emulator.Faults.DelayAcks(TimeSpan.Zero);
        }

        Assert.That(failures, Is.Empty, "every publish ACKed");
    }

    /// <summary>
    /// A subscriber and a publisher on a new channel; batch A (msgSerial 0) is published and received, and its ACK is
    /// swallowed by the publisher's silent transport. <c>Resumed</c> completes on the publisher's next CONNECTED.
    /// </summary>
    private async Task<(MessageCollector Collector, IDisposable Subscription, AblyRealtime Publisher, RealtimeChannel Outbound, Task<ConnectionStateChange> Resumed, Task<PublishResult> A)>
        PublishWithSwallowedAckAsync(string format, Func<ClientOptions, ClientOptions> configure)
    {
        var name = UniqueChannel("reply");
        var (collector, subscription) = await SubscribeAsync((await ConnectedClient("json")).Channels.Get(name));
        var publisher = await ConnectedClient(format, configure);
        var outbound = publisher.Channels.Get(name);
        var resumed = publisher.Connection.StateChanges.Where(c => c.Current == ConnectionState.Connected).Skip(1).FirstAsync().ToTask();
        Assert.That(Emulator.Faults.SetSilent(publisher.Connection.Id!, true), Is.True);
        var a = outbound.PublishAsync(Batch(0));
        await collector.WaitForCountAsync(50, Wait);
        return (collector, subscription, publisher, outbound, resumed, a);
    }

    private static List<Message> Batch(int b) =>
        Enumerable.Range(b * 50, 50).Select(i => new Message(i.ToString(CultureInfo.InvariantCulture), "p" + i)).ToList();
}
