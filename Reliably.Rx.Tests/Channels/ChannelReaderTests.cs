namespace Reliably.Rx.Tests.Channels;

/// <summary>
/// The async readers (<see cref="RealtimeChannel.ReadAllAsync(DeliveryOptions, CancellationToken)"/> and
/// <see cref="DeliveryStreamExtensions.ReadAllAsync{T}"/>) pull: what the reader has not reached waits in the
/// subscription's own queue, so the subscription's capacity and overflow policy apply to it (RTL7, in virtual time).
/// </summary>
[TestFixture]
public sealed class ChannelReaderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Test]
    public async Task RTL7_A_bounded_reader_that_falls_behind_its_capacity_fails_with_80020_after_what_it_was_handed()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        await using var reader = c.Channel.ReadAllAsync(new DeliveryOptions { Capacity = 3 }).GetAsyncEnumerator();
        var first = reader.MoveNextAsync();
        c.Receive(c.MessageFrame("f0", "s0", new Message("m0", "x")));
        Assert.That(await first.AsTask().WaitAsync(Timeout), Is.True);
        Assert.That(reader.Current.Name, Is.EqualTo("m0"));

        // The reader takes nothing more: four messages arrive, one more than the capacity.
        for (var i = 1; i <= 4; i++)
        {
            c.Receive(c.MessageFrame("f" + i, "s" + i, new Message("m" + i, "x")));
        }

        var error = Assert.ThrowsAsync<AblyException>(async () => await reader.MoveNextAsync().AsTask().WaitAsync(Timeout));
        Assert.That(error!.Code, Is.EqualTo(ErrorCodes.DeliveryRateExceeded));
        Assert.That(c.H.Connection.State, Is.EqualTo(ConnectionState.Connected), "only the reader's subscription ends");
    }

    [Test]
    public async Task RTL7_A_bounded_reader_within_its_capacity_reads_everything_in_order()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        await using var reader = c.Channel.ReadAllAsync(new DeliveryOptions { Capacity = 3 }).GetAsyncEnumerator();
        var first = reader.MoveNextAsync();
        for (var i = 0; i < 4; i++)
        {
            c.Receive(c.MessageFrame("f" + i, "s" + i, new Message("m" + i, "x")));
        }

        // One handed over (asked for before the messages came), three waiting in the queue: exactly the capacity.
        var read = new List<string?>();
        Assert.That(await first.AsTask().WaitAsync(Timeout), Is.True);
        read.Add(reader.Current.Name);
        for (var i = 1; i < 4; i++)
        {
            var next = reader.MoveNextAsync();
            c.Pump();
            Assert.That(await next.AsTask().WaitAsync(Timeout), Is.True);
            read.Add(reader.Current.Name);
        }

        Assert.That(read, Is.EqualTo(new[] { "m0", "m1", "m2", "m3" }));
    }

    [Test]
    public async Task RTL7_A_DropOldest_reader_of_the_events_sees_the_gap_in_its_place()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var options = new DeliveryOptions { Capacity = 2, Overflow = OverflowPolicy.DropOldest };
        await using var reader = c.Channel.Events().ReadAllAsync(options).GetAsyncEnumerator();

        // The current state comes first.
        var first = reader.MoveNextAsync();
        c.Pump();
        Assert.That(await first.AsTask().WaitAsync(Timeout), Is.True);
        Assert.That(reader.Current, Is.InstanceOf<StateChangeNotification>());
        var next = reader.MoveNextAsync();
        c.Receive(c.MessageFrame("f0", "s0", new Message("m0", "x")));
        Assert.That(await next.AsTask().WaitAsync(Timeout), Is.True);
        Assert.That(Describe(reader.Current), Is.EqualTo("message:m0"));

        for (var i = 1; i <= 5; i++)
        {
            c.Receive(c.MessageFrame("f" + i, "s" + i, new Message("m" + i, "x")));
        }

        var rest = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            next = reader.MoveNextAsync();
            c.Pump();
            Assert.That(await next.AsTask().WaitAsync(Timeout), Is.True);
            rest.Add(Describe(reader.Current));
        }

        Assert.That(rest, Is.EqualTo(new[] { "gap:SlowConsumer", "message:m4", "message:m5" }), "m1..m3 dropped, reported before m4");
    }

    [Test]
    public async Task RTL7_An_unbounded_reader_loses_nothing_however_far_behind_it_is()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        await using var reader = c.Channel.ReadAllAsync().GetAsyncEnumerator();
        var first = reader.MoveNextAsync();
        for (var i = 0; i < 1000; i++)
        {
            c.Receive(c.MessageFrame("f" + i, "s" + i, new Message("m" + i, "x")));
        }

        var read = new List<string?>();
        var more = await first.AsTask().WaitAsync(Timeout);
        while (more && read.Count < 999)
        {
            read.Add(reader.Current.Name);
            var next = reader.MoveNextAsync();
            c.Pump();
            more = await next.AsTask().WaitAsync(Timeout);
        }

        read.Add(reader.Current.Name);
        Assert.That(read, Is.EqualTo(Enumerable.Range(0, 1000).Select(i => "m" + i)));
    }

    [Test]
    public async Task A_reader_stops_with_OperationCanceledException_and_unsubscribes()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        using var cts = new CancellationTokenSource();
        var reader = c.Channel.ReadAllAsync(cts.Token).GetAsyncEnumerator();
        var waiting = reader.MoveNextAsync();
        c.Pump();
        cts.Cancel();
        Assert.That(async () => await waiting.AsTask().WaitAsync(Timeout), Throws.InstanceOf<OperationCanceledException>());
        await reader.DisposeAsync();

        // The subscription is gone: a later message reaches a new subscriber only.
        var later = new List<Message>();
        using var sub = c.Channel.Messages().Subscribe(later.Add);
        c.Receive(c.MessageFrame("f0", "s0", new Message("m0", "x")));
        Assert.That(later.Select(m => m.Name), Is.EqualTo(new[] { "m0" }));
    }

    [Test]
    public async Task Null_options_are_rejected_with_40003()
    {
        await using var c = new ChannelHarness();
        Assert.That(Assert.Throws<AblyException>(() => c.Channel.ReadAllAsync(null!))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(Assert.Throws<AblyException>(() => c.Channel.Events().ReadAllAsync(null!))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    private static string Describe(ChannelNotification n) => n switch
    {
        MessageNotification m => "message:" + m.Message.Name,
        DiscontinuityNotification d => "gap:" + d.Discontinuity.Kind,
        StateChangeNotification s => "state:" + s.Change.Current,
        _ => n.GetType().Name,
    };
}
