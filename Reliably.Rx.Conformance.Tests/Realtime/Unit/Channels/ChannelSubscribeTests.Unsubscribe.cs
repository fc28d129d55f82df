using Newtonsoft.Json.Linq;
using Reliably.Rx.Conformance.Tests.Support;

namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>channel_subscribe.md, unsubscribing (RTL8) and message filters (RTL22, MFI).</summary>
public sealed partial class ChannelSubscribeTests
{
    private const string NoFilters = "RealtimeChannel had no subscription by MessageFilter (RTL22, MFI1); Messages(MessageFilter) now delivers only the messages meeting every criterion given (isRef, extras.ref.timeserial and type, name, clientId).";

    private static JObject Ref(string timeserial, string type) => new() { ["ref"] = new JObject { ["timeserial"] = timeserial, ["type"] = type } };

    // UTS: realtime/unit/RTL8a/unsubscribe-specific-listener-0
    [Test]
    [Adapted("unsubscribe(listener) is disposing that listener's subscription.")]
    public async Task RTL8a_UnsubscribeSpecificListenerFromAllMessages()
    {
        await using var f = Attached("test-RTL8a");
        var messagesA = new List<Message>();
        var messagesB = new List<Message>();
        var listenerA = Subscribe(f.Channel.Messages(), messagesA);
        using var listenerB = Subscribe(f.Channel.Messages(), messagesB);

        Send(f, Msg("msg1", "first"));
        Assert.That(messagesA, Has.Count.EqualTo(1));
        Assert.That(messagesB, Has.Count.EqualTo(1));
        listenerA.Dispose();
        Send(f, Msg("msg2", "second"));

        Assert.That(messagesA, Has.Count.EqualTo(1), "not the second message");
        Assert.That(messagesB, Has.Count.EqualTo(2));
        Assert.That(messagesB[1].Name, Is.EqualTo("msg2"));
    }

    // UTS: realtime/unit/RTL8b/unsubscribe-named-listener-0
    [Test]
    [Adapted("One listener subscribed to two names is two subscriptions; unsubscribe(name, listener) disposes the one for that name.")]
    public async Task RTL8b_UnsubscribeListenerFromSpecificName()
    {
        await using var f = Attached("test-RTL8b");
        var received = new List<Message>();
        var alpha = Subscribe(f.Channel.Messages("alpha"), received);
        using var beta = Subscribe(f.Channel.Messages("beta"), received);

        Send(f, Msg("alpha", "a1"), Msg("beta", "b1"));
        Assert.That(received, Has.Count.EqualTo(2));
        alpha.Dispose();
        Send(f, Msg("alpha", "a2"), Msg("beta", "b2"));

        Assert.That(received, Has.Count.EqualTo(3));
        Assert.That(received[2].Name, Is.EqualTo("beta"));
        Assert.That(received[2].Data, Is.EqualTo("b2"));
    }

    // UTS: realtime/unit/RTL8c/unsubscribe-all-listeners-0
    [Test]
    [Adapted("unsubscribe() with no arguments is disposing every subscription the caller holds (a CompositeDisposable); the channel's streams have no global unsubscribe.")]
    public async Task RTL8c_UnsubscribeWithNoArgumentsRemovesAllListeners()
    {
        await using var f = Attached("test-RTL8c");
        var all = new List<Message>();
        var named = new List<Message>();
        var subscriptions = new System.Reactive.Disposables.CompositeDisposable(
            Subscribe(f.Channel.Messages(), all),
            Subscribe(f.Channel.Messages("specific"), named));

        Send(f, Msg("specific", "first"));
        Assert.That(all, Has.Count.EqualTo(1));
        Assert.That(named, Has.Count.EqualTo(1));
        subscriptions.Dispose();
        Send(f, Msg("specific", "second"), Msg("other", "third"));

        Assert.That(all, Has.Count.EqualTo(1));
        Assert.That(named, Has.Count.EqualTo(1));
    }

    // UTS: realtime/unit/RTL8a/unsubscribe-noop-not-subscribed-1
    [Test]
    [Adapted("A listener never subscribed has no subscription to dispose; the no-op is disposing a subscription that has already ended, which must not affect another one.")]
    public async Task RTL8a_UnsubscribeListenerNotCurrentlySubscribedIsNoOp()
    {
        await using var f = Attached("test-RTL8a-noop");
        var received = new List<Message>();
        using var active = Subscribe(f.Channel.Messages(), received);
        var unused = f.Channel.Messages().Subscribe(_ => { }, _ => { });
        unused.Dispose();

        unused.Dispose();
        Send(f, Msg("test", "still-works"));

        Assert.That(received, Has.Count.EqualTo(1));
        Assert.That(received[0].Data, Is.EqualTo("still-works"));
    }

    // UTS: realtime/unit/RTL22a/filter-matching-name-0
    [Test]
    [Divergence(NoFilters)]
    public async Task RTL22_RTL22a_RTL22d_MFI1_MFI2d_SubscribeWithMessageFilterMatchingName()
    {
        await using var f = Attached("test-RTL22a-name");
        var filtered = new List<Message>();
        using var subscription = Subscribe(f.Channel.Messages(new MessageFilter { Name = "target-event" }), filtered);
        Send(f, Msg("target-event", "match-1"));
        Send(f, Msg("other-event", "no-match"));
        Send(f, Msg("target-event", "match-2"));
        Send(f, Msg(null, "no-name"));

        Assert.That(filtered.Select(m => m.Name), Is.EqualTo(new[] { "target-event", "target-event" }));
        Assert.That(filtered.Select(m => m.Data), Is.EqualTo(new[] { "match-1", "match-2" }));

        // RTL22: the listener is removed as it was attached, by disposing its subscription.
        subscription.Dispose();
        Send(f, Msg("target-event", "after-removal"));
        Assert.That(filtered, Has.Count.EqualTo(2));
    }

    // UTS: realtime/unit/RTL22a/filter-matching-ref-timeserial-1
    [Test]
    [Divergence(NoFilters)]
    public async Task RTL22a_MFI2b_SubscribeWithMessageFilterMatchingRefTimeserial()
    {
        await using var f = Attached("test-RTL22a-ref-timeserial");
        var filtered = new List<Message>();
        using var subscription = Subscribe(f.Channel.Messages(new MessageFilter { RefTimeserial = "abc123@1700000000000-0" }), filtered);
        Send(f, Msg("reply", "match", Ref("abc123@1700000000000-0", "com.ably.reply")));
        Send(f, Msg("reply", "no-match", Ref("xyz789@1700000000000-0", "com.ably.reply")));
        Send(f, Msg("plain", "no-ref"));
        Send(f, Msg("reaction", "match-2", Ref("abc123@1700000000000-0", "com.ably.reaction")));

        Assert.That(filtered.Select(m => m.Data), Is.EqualTo(new[] { "match", "match-2" }));
    }

    // UTS: realtime/unit/RTL22b/filter-isref-false-0
    [Test]
    [Divergence(NoFilters)]
    public async Task RTL22b_MFI2a_SubscribeWithMessageFilterIsRefFalse()
    {
        await using var f = Attached("test-RTL22b-isref-false");
        var filtered = new List<Message>();
        using var subscription = Subscribe(f.Channel.Messages(new MessageFilter { IsRef = false }), filtered);
        Send(f, Msg("plain", "no-extras"));
        Send(f, Msg("reply", "has-ref", Ref("abc123@1700000000000-0", "com.ably.reply")));
        Send(f, Msg("annotated", "extras-no-ref", new JObject { ["headers"] = new JObject { ["custom-key"] = "custom-value" } }));
        Send(f, Msg("reaction", "also-has-ref", Ref("xyz789@1700000000000-0", "com.ably.reaction")));

        Assert.That(filtered.Select(m => m.Name), Is.EqualTo(new[] { "plain", "annotated" }));
        Assert.That(filtered.Select(m => m.Data), Is.EqualTo(new[] { "no-extras", "extras-no-ref" }));
    }

    // UTS: realtime/unit/RTL22c/filter-multiple-criteria-0
    [Test]
    [Divergence(NoFilters)]
    public async Task RTL22c_MFI2c_MFI2d_SubscribeWithMessageFilterMatchingMultipleCriteria()
    {
        await using var f = Attached("test-RTL22c-multi");
        var filtered = new List<Message>();
        using var subscription = Subscribe(f.Channel.Messages(new MessageFilter { Name = "comment", RefType = "com.ably.reply" }), filtered);
        Send(f, Msg("comment", "both-match", Ref("abc@1700000000000-0", "com.ably.reply")));
        Send(f, Msg("comment", "name-only", Ref("def@1700000000000-0", "com.ably.reaction")));
        Send(f, Msg("update", "type-only", Ref("ghi@1700000000000-0", "com.ably.reply")));
        Send(f, Msg("update", "neither"));
        Send(f, Msg("comment", "both-match-2", Ref("jkl@1700000000000-0", "com.ably.reply")));

        Assert.That(filtered.Select(m => m.Data), Is.EqualTo(new[] { "both-match", "both-match-2" }));
    }

    // UTS: realtime/unit/RTL22a/filter-matching-clientid-2
    [Test]
    [Divergence(NoFilters)]
    public async Task RTL22a_MFI2e_SubscribeWithMessageFilterMatchingClientId()
    {
        await using var f = Attached("test-RTL22a-clientid");
        var filtered = new List<Message>();
        using var subscription = Subscribe(f.Channel.Messages(new MessageFilter { ClientId = "user-42" }), filtered);
        Send(f, Msg("chat", "hello", clientId: "user-42"));
        Send(f, Msg("chat", "hi", clientId: "user-99"));
        Send(f, Msg("system", "broadcast"));
        Send(f, Msg("chat", "world", clientId: "user-42"));

        Assert.That(filtered.Select(m => m.Data), Is.EqualTo(new[] { "hello", "world" }));
        Assert.That(filtered.Select(m => m.ClientId), Is.EqualTo(new[] { "user-42", "user-42" }));
    }
}
