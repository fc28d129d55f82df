using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Samples.Shared;

namespace Reliably.Rx.Samples.Streaming;

/// <summary>
/// Messages that change: a chat where a message is edited and deleted, watched as the current state of each message;
/// and an assistant's answer streamed token by token with appends, watched as one message's live value. The channel is
/// in the <c>mutable</c> namespace, which allows updates, deletes and appends (in Ably, a channel rule; the emulator's
/// default app has it, as Ably's test apps do).
/// </summary>
public static class StreamingSample
{
    public static async Task RunAsync()
    {
        await using var env = await SampleEnvironment.StartAsync();
        await using var alice = await env.ConnectAsync(clientId: "alice");
        await using var viewer = await env.ConnectAsync(clientId: "viewer", binary: false);
        var name = "mutable:" + SampleEnvironment.Channel("chat");
        var chat = alice.Channels.Get(name);
        var watched = viewer.Channels.Get(name);
        await watched.AttachAsync();

        Say.Title("A chat with edits: the current state of each message");
        var edits = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var board = watched.CurrentStates().Subscribe(
            m =>
            {
                Say.Line($"[{m.Action}] {m.ClientId}: {m.Data}{(m.Version?.Description is { } why ? $"  ({why})" : string.Empty)}");
                if (m.Action == MessageAction.Delete)
                {
                    edits.TrySetResult();
                }
            },
            error => edits.TrySetException(error));

        var typo = (await chat.PublishAsync("text", "Hello wrold")).Serials[0]!;
        await chat.PublishAsync("text", "Anyone here?");
        await chat.UpdateMessageAsync(new Message { Serial = typo, Data = "Hello world" }, new MessageOperation { Description = "fixed a typo" });
        await chat.DeleteMessageAsync(new Message { Serial = typo }, new MessageOperation { Description = "changed my mind" });
        await edits.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var versions = await watched.GetMessageVersionsAsync(typo);
        Say.Ok($"the first message has {versions.Items.Count} versions: {string.Join(", ", versions.Items.Select(v => v.Action))}");
        board.Dispose();

        Say.Title("A streamed answer: one message's live value, growing with each append");
        var answer = (await chat.PublishAsync("answer", string.Empty)).Serials[0]!;
        var finished = watched.LiveMessage(answer)
            .Select(m => (string?)m.Data ?? string.Empty)
            .Do(text => Say.Line(text))
            .LastAsync()
            .ToTask();
        foreach (var token in "Rx lets a message be a value that changes over time .".Split(' '))
        {
            await chat.AppendMessageAsync(new Message { Serial = answer, Data = token + " " });
        }

        // The stream ends when the answer is closed off: here by deleting it, which completes the live value.
        await chat.DeleteMessageAsync(new Message { Serial = answer }, new MessageOperation { Description = "answer complete" });
        var text = await finished.WaitAsync(TimeSpan.FromSeconds(30));
        Say.Ok($"final answer: \"{text.Trim()}\"");
    }
}
