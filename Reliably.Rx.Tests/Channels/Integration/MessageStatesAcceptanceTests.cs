using System.Collections.Concurrent;
using System.Text;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// A streamed response (one message grown by appends, RTL32) watched through <see cref="MessageStates.LiveMessage"/> by
/// several clients at once, against the emulator: every subscriber sees every version exactly once, in order, and the
/// whole text last.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class MessageStatesAcceptanceTests : RealtimeEmulatorFixture
{
    private const int Appends = 2_000;
    private const int Subscribers = 10;

    /// <remarks>One run covers both formats: the publisher uses JSON, and the subscribers alternate JSON and MessagePack.</remarks>
    [Test]
    public async Task A_2000_append_response_reaches_10_live_message_subscribers_in_order_with_the_final_text_exactly_once_and_last()
    {
        const string format = "json";
        var name = "mutable:" + UniqueChannel("stream");
        var publisher = (await ConnectedClient(format)).Channels.Get(name);
        var serial = (await publisher.PublishAsync("answer", "t0 ").WaitAsync(Wait)).Serials[0]!;

        var watchers = new List<(ConcurrentQueue<string> Values, TaskCompletionSource Done, IDisposable Subscription)>();
        for (var i = 0; i < Subscribers; i++)
        {
            var channel = (await ConnectedClient(i % 2 == 0 ? format : Other(format))).Channels.Get(name);
            var values = new ConcurrentQueue<string>();
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var subscription = channel.LiveMessage(serial).Subscribe(
                m =>
                {
                    values.Enqueue((string)m.Data!);
                    first.TrySetResult();
                },
                e => done.TrySetException(e),
                done.SetResult);
            await first.Task.WaitAsync(Wait);
            watchers.Add((values, done, subscription));
        }

        var expected = new StringBuilder("t0 ");
        var appends = new List<Task<UpdateDeleteResult>>(Appends);
        for (var i = 1; i <= Appends; i++)
        {
            var token = "t" + i + " ";
            expected.Append(token);
            appends.Add(publisher.AppendMessageAsync(new Message { Serial = serial, Data = token }));
        }

        var versionSerials = (await Task.WhenAll(appends).WaitAsync(Wait)).Select(r => r.VersionSerial).ToList();
        Assert.That(versionSerials, Is.Unique.And.Ordered.Using<string?>(StringComparer.Ordinal), "each append is a new, later version");

        // The end of the stream: the message is deleted, which completes every live observable after its last value.
        await publisher.DeleteMessageAsync(new Message { Serial = serial }).WaitAsync(Wait);
        var final = expected.ToString();
        foreach (var (values, done, subscription) in watchers)
        {
            await done.Task.WaitAsync(Wait);
            subscription.Dispose();
            var seen = values.ToList();
            Assert.That(seen, Has.Count.EqualTo(Appends + 2), "the create, each append, and the delete: every version once");
            Assert.That(seen[^2], Is.EqualTo(final), "the final text is the last value before the delete");
            Assert.That(seen.Count(v => v == final), Is.EqualTo(2), "the final text once as the streamed value, once as the deleted state");
            for (var i = 1; i < Appends + 1; i++)
            {
                Assert.That(seen[i].Length, Is.GreaterThan(seen[i - 1].Length), $"value {i} grew");
                Assert.That(seen[i].StartsWith(seen[i - 1], StringComparison.Ordinal), Is.True, $"value {i} extends value {i - 1}");
            }
        }
    }

    private static string Other(string format) => format == "json" ? "msgpack" : "json";
}
