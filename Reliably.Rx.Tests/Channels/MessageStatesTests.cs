using System.Reactive.Linq;
using System.Reactive.Subjects;

namespace Reliably.Rx.Tests.Channels;

/// <summary>Folding message changes (TM5, RTL32) into current states, and the live value of one message.</summary>
public sealed class MessageStatesTests
{
    private static Message Create(string serial, string data, string name = "n") =>
        new(name, data) { Action = MessageAction.Create, Serial = serial, Version = new MessageVersion { Serial = serial } };

    private static Message Change(MessageAction action, string serial, string version, object? data, string? name = null) =>
        new(name, data) { Action = action, Serial = serial, Version = new MessageVersion { Serial = version } };

    [Test]
    public void CurrentStates_folds_updates_appends_deletes_and_summaries_by_serial()
    {
        var source = new Subject<Message>();
        var states = new List<Message>();
        using var _ = source.CurrentStates().Subscribe(states.Add);

        source.OnNext(Create("s1", "Hel"));
        source.OnNext(Create("s2", "other"));
        source.OnNext(Change(MessageAction.Append, "s1", "s1v2", "lo"));
        source.OnNext(Change(MessageAction.Append, "s1", "s1v3", " World"));
        source.OnNext(new Message { Action = MessageAction.Summary, Serial = "s2", Annotations = MessageAnnotations.Empty });
        source.OnNext(Change(MessageAction.Update, "s2", "s2v2", "edited", "renamed"));
        source.OnNext(Change(MessageAction.Delete, "s1", "s1v4", null));

        Assert.That(states.Select(s => (s.Serial, s.Data)), Is.EqualTo(new (string?, object?)[]
        {
            ("s1", "Hel"), ("s2", "other"), ("s1", "Hello"), ("s1", "Hello World"), ("s2", "other"), ("s2", "edited"), ("s1", null),
        }));
        Assert.That(states[3].Action, Is.EqualTo(MessageAction.Update), "an appended message reads as an update");
        Assert.That(states[3].Name, Is.EqualTo("n"), "an append without a name keeps the name");
        Assert.That(states[3].Version!.Serial, Is.EqualTo("s1v3"));
        Assert.That(states[4].Annotations, Is.Not.Null);
        Assert.That(states[5].Name, Is.EqualTo("renamed"));
        Assert.That(states[6].Action, Is.EqualTo(MessageAction.Delete));
    }

    [Test]
    public void CurrentStates_drops_changes_no_newer_than_the_state_so_a_resend_cannot_repeat_or_rewind()
    {
        var source = new Subject<Message>();
        var states = new List<Message>();
        using var _ = source.CurrentStates().Subscribe(states.Add);

        source.OnNext(Create("s1", "a"));
        source.OnNext(Change(MessageAction.Append, "s1", "s1v2", "b"));
        source.OnNext(Change(MessageAction.Append, "s1", "s1v2", "b"));
        source.OnNext(Create("s1", "a"));
        source.OnNext(Change(MessageAction.Append, "s1", "s1v3", "c"));

        Assert.That(states.Select(s => s.Data), Is.EqualTo(new object[] { "a", "ab", "abc" }));
    }

    [Test]
    public void CurrentStates_joins_bytes_and_keeps_an_append_to_an_unknown_message_partial()
    {
        var source = new Subject<Message>();
        var states = new List<Message>();
        using var _ = source.CurrentStates(capacity: 1).Subscribe(states.Add);

        source.OnNext(new Message(null, new byte[] { 1 }) { Action = MessageAction.Create, Serial = "b1", Version = new MessageVersion { Serial = "b1" } });
        source.OnNext(Change(MessageAction.Append, "b1", "b1v2", new byte[] { 2, 3 }));
        source.OnNext(Create("b2", "x"));
        source.OnNext(Change(MessageAction.Append, "b1", "b1v3", new byte[] { 4 }));

        Assert.That(states[1].Data, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(states[3].Action, Is.EqualTo(MessageAction.Append), "b1 was forgotten (capacity 1): its append stays partial");
        Assert.That(states[3].Data, Is.EqualTo(new byte[] { 4 }));
    }

    [Test]
    public void Live_starts_from_the_initial_state_and_completes_after_the_delete()
    {
        var source = new Subject<Message>();
        var values = new List<string?>();
        var completed = false;
        using var _ = source.Live(Create("s1", "x")).Subscribe(m => values.Add(m.Action + ":" + m.Data), () => completed = true);

        source.OnNext(Change(MessageAction.Append, "s2", "s2v2", "other message"));
        source.OnNext(Change(MessageAction.Append, "s1", "s1v2", "y"));
        source.OnNext(Change(MessageAction.Delete, "s1", "s1v3", "xy"));
        source.OnNext(Change(MessageAction.Update, "s1", "s1v4", "after"));

        Assert.That(values, Is.EqualTo(new[] { "Create:x", "Update:xy", "Delete:xy" }));
        Assert.That(completed, Is.True);
        Assert.That(source.HasObservers, Is.False, "unsubscribed from the source once complete");
    }

    [Test]
    public void Live_completes_with_its_source_and_validates_eagerly()
    {
        var source = new Subject<Message>();
        var completed = false;
        using var _ = source.Live(Create("s1", "x")).Subscribe(_ => { }, () => completed = true);
        source.OnCompleted();
        Assert.That(completed, Is.True);
        Assert.That(Assert.Throws<AblyException>(() => source.Live(new Message()))!.Code, Is.EqualTo(40003));
        Assert.That(Assert.Throws<AblyException>(() => source.CurrentStates(0))!.Code, Is.EqualTo(40003));
        Assert.That(Assert.Throws<AblyException>(() => ((RealtimeChannel)null!).LiveMessage("s"))!.Code, Is.EqualTo(40003));
    }

    [Test]
    public void CurrentStates_is_LINQ_friendly()
    {
        var source = new Subject<Message>();
        var texts = new List<string>();
        using var _ = source.CurrentStates().Where(m => m.Action != MessageAction.Delete).Select(m => (string)m.Data!).Subscribe(texts.Add);
        source.OnNext(Create("s1", "a"));
        source.OnNext(Change(MessageAction.Append, "s1", "s1v2", "b"));
        source.OnNext(Change(MessageAction.Delete, "s1", "s1v3", null));
        Assert.That(texts, Is.EqualTo(new[] { "a", "ab" }));
    }
}
