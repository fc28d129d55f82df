using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Samples.Shared;

namespace Reliably.Rx.Samples.Streaming;

/// <summary>
/// Messages that change: a chat where a message is edited and deleted, watched as the current state of each message;
/// reactions (annotations) that the server rolls up into each message's summary; and an assistant's answer streamed
/// token by token with appends, watched as one message's live value. The channel is
/// in the <c>mutable</c> namespace, which allows updates, deletes and appends (in Ably, a channel rule; the emulator's
/// default app has it, as Ably's test apps do).
/// </summary>
public static class StreamingSample
{
    // distinct.v1: per name, the clients that used it, each once per name.
    private const string Reaction = "reaction:distinct.v1";

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

        Say.Title("Reactions: annotations rolled up into each message's summary");
        var reactions = viewer.Channels.Get(name + "-reactions", new ChannelOptions
        {
            Modes = ChannelModes.Subscribe | ChannelModes.AnnotationSubscribe,
        });
        await reactions.AttachAsync();
        var room = alice.Channels.Get(name + "-reactions");
        var tallied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var who = reactions.Annotations.EventsOf(Reaction).Subscribe(a => Say.Line($"{a.ClientId} {a.Action} {a.Name}"));
        using var tallies = reactions.CurrentStates()
            .Where(m => m.Annotations?.Summary.ContainsKey(Reaction) == true)
            .Select(m => (Text: m.Data, ByName: AnnotationSummaries.DistinctV1(m.Annotations!.Summary[Reaction])))
            .Subscribe(
                t =>
                {
                    Say.Line($"\"{t.Text}\": {string.Join(" ", t.ByName.Select(r => $"{r.Key} x{r.Value.Total}"))}");
                    if (t.ByName.Count == 1 && t.ByName.ContainsKey("rocket"))
                    {
                        tallied.TrySetResult();
                    }
                },
                error => tallied.TrySetException(error));
        var shipIt = (await room.PublishAsync("text", "Ship it?")).Serials[0]!;
        await room.Annotations.PublishAsync(shipIt, new Annotation { Type = Reaction, Name = "+1" });
        await room.Annotations.PublishAsync(shipIt, new Annotation { Type = Reaction, Name = "rocket" });
        await room.Annotations.DeleteAsync(shipIt, new Annotation { Type = Reaction, Name = "+1" });
        await tallied.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var stored = await room.Annotations.GetAsync(shipIt);
        Say.Ok($"the message has {stored.Items.Count} annotations stored, and one reaction left in its summary");

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
