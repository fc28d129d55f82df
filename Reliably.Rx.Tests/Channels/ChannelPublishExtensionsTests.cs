using System.Reactive.Subjects;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>
/// <see cref="ChannelPublishExtensions.PublishBatches"/>: an explicit Rx helper that turns a stream of messages into
/// array publishes (RTL6i2), in virtual time: batches close on count or on the delay, each is one ProtocolMessage, the
/// outcome arrives in publish order, a rejection ends the stream.
/// </summary>
[TestFixture]
public sealed class ChannelPublishExtensionsTests
{
    [Test]
    public async Task RTL6i2_batches_close_on_count_or_delay_and_each_is_one_ProtocolMessage()
    {
        await using var h = new ChannelHarness();
        var source = new Subject<Message>();
        var acknowledged = new System.Collections.Concurrent.ConcurrentQueue<IReadOnlyList<Message>>();
        var completed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var run = source.PublishBatches(h.Channel, 3, TimeSpan.FromSeconds(1)).Subscribe(acknowledged.Enqueue, e => completed.TrySetException(e), () => completed.TrySetResult());

        for (var i = 0; i < 7; i++)
        {
            source.OnNext(new Message("m" + i, "x"));
        }

        h.Pump();
        Assert.That(Frames(h), Is.EqualTo(new[] { "m0m1m2", "m3m4m5" }), "two full batches go out at once");

        h.Advance(TimeSpan.FromSeconds(1));
        h.Pump();
        Assert.That(Frames(h), Is.EqualTo(new[] { "m0m1m2", "m3m4m5", "m6" }), "the rest after the delay");

        h.Advance(TimeSpan.FromSeconds(10));
        h.Pump();
        Assert.That(Frames(h), Has.Count.EqualTo(3), "nothing is published for a quiet period");

        Assert.That(acknowledged, Is.Empty, "emitted only once acknowledged");
        source.OnCompleted();
        h.Advance(TimeSpan.FromSeconds(1));
        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 3 });
        h.Pump();

        // The outcome comes from the publish tasks, whose continuations run off the loop: awaited, not pumped.
        await completed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(acknowledged.Select(b => string.Concat(b.Select(m => m.Name))), Is.EqualTo(new[] { "m0m1m2", "m3m4m5", "m6" }), "in publish order");
    }

    [Test]
    public async Task A_rejected_batch_ends_the_stream_with_the_servers_error()
    {
        await using var h = new ChannelHarness();
        var source = new Subject<Message>();
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var run = source.PublishBatches(h.Channel, 2, TimeSpan.FromSeconds(1)).Subscribe(_ => { }, e => failed.TrySetResult(e));
        source.OnNext(new Message("a", "1"));
        source.OnNext(new Message("b", "2"));
        h.Pump();

        h.Transport.Receive(new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = 0, Count = 1, Error = new ErrorInfo(40160, 401, "not permitted") });
        h.Pump();
        var error = await failed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((error as AblyException)?.Code, Is.EqualTo(40160));

        source.OnNext(new Message("c", "3"));
        source.OnNext(new Message("d", "4"));
        h.Pump();
        Assert.That(Frames(h), Has.Count.EqualTo(1), "nothing more is published after the failure");
    }

    [Test]
    public async Task A_batch_larger_than_maxMessageSize_fails_with_40009()
    {
        await using var h = new ChannelHarness();
        var source = new Subject<Message>();
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var run = source.PublishBatches(h.Channel, 2, TimeSpan.FromSeconds(1)).Subscribe(_ => { }, e => failed.TrySetResult(e));
        source.OnNext(new Message("a", new string('x', 40_000)));
        source.OnNext(new Message("b", new string('x', 40_000)));
        h.Pump();

        var error = await failed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((error as AblyException)?.Code, Is.EqualTo(ErrorCodes.MessageTooLarge));
        Assert.That(Frames(h), Is.Empty);
    }

    [Test]
    public async Task Invalid_arguments_are_rejected_with_40003_before_subscribing()
    {
        await using var h = new ChannelHarness();
        var source = new Subject<Message>();
        Assert.That(Assert.Throws<AblyException>(() => source.PublishBatches(null!, 1, TimeSpan.Zero))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(Assert.Throws<AblyException>(() => source.PublishBatches(h.Channel, 0, TimeSpan.Zero))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(Assert.Throws<AblyException>(() => source.PublishBatches(h.Channel, 1, TimeSpan.FromSeconds(-1)))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.That(Assert.Throws<AblyException>(() => ((IObservable<Message>)null!).PublishBatches(h.Channel, 1, TimeSpan.Zero))!.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    private static List<string> Frames(ChannelHarness h) =>
        h.Sent(ProtocolAction.Message).Select(f => string.Concat(f.Messages!.Select(m => m.Name))).ToList();
}
