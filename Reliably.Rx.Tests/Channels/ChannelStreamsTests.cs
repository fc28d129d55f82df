using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Channels;
using Reliably.Rx.Tests.Realtime;

namespace Reliably.Rx.Tests.Channels;

/// <summary>The subscription and delivery side of a channel (RTL7, RTL8) as a component, on a virtual-time loop.</summary>
[TestFixture]
public sealed class ChannelStreamsTests
{
    private RealtimeHarness _h = null!;
    private ChannelStreams _streams = null!;
    private int _attaches;

    [SetUp]
    public void SetUp()
    {
        _h = new RealtimeHarness();
        _attaches = 0;
        _streams = new ChannelStreams(_h.Loop, "chat", NullLogger.Instance, new("channel", "chat"), _ => null, () => _attaches++);
    }

    [TearDown]
    public async Task TearDown() => await _h.DisposeAsync();

    private void Append(params Message[] messages)
    {
        _h.Loop.Execute(() =>
        {
            foreach (var message in messages)
            {
                _streams.Feed.Message(message);
            }
        });
        _h.Pump();
    }

    [Test]
    public void RTL7g_message_and_event_streams_attach_when_subscribed_and_state_and_discontinuity_streams_do_not()
    {
        using (_streams.StateChanges.Subscribe(_ => { }))
        using (_streams.Discontinuities.Subscribe(_ => { }))
        {
            Assert.That(_attaches, Is.Zero);
        }

        using (_streams.Messages.Subscribe(_ => { }))
        using (_streams.Events.Subscribe(_ => { }))
        using (_streams.Named("a").Subscribe(_ => { }))
        using (_streams.Typed<string>(null, ConversionFailure.SkipAndReport).Subscribe(_ => { }))
        {
            Assert.That(_attaches, Is.EqualTo(4));
        }
    }

    [Test]
    public void RTL7b_a_named_stream_takes_its_name_and_a_typed_one_reports_what_it_cannot_read()
    {
        var named = new List<string?>();
        var typed = new List<int>();
        var errors = new List<Exception>();
        using var a = _streams.Named("price").Subscribe(m => named.Add(m.Data as string));
        using var b = _streams.Typed<int>("count", ConversionFailure.SkipAndReport).Subscribe(typed.Add);
        using var c = _streams.SubscriberErrors.Subscribe(errors.Add);

        Append(new Message("price", "1.5"), new Message("count", 3), new Message("count", "not a number"), new Message("other", "x"));
        Assert.That(named, Is.EqualTo(new[] { "1.5" }));
        Assert.That(typed, Is.EqualTo(new[] { 3 }));
        Assert.That(errors.OfType<AblyException>().Single().ErrorInfo.Code, Is.EqualTo(40013));
    }

    [Test]
    public void A_subscriber_that_throws_is_reported_and_keeps_receiving_and_Complete_ends_every_stream()
    {
        var received = new List<Message>();
        var errors = new List<Exception>();
        var completed = 0;
        using var a = _streams.Messages.Subscribe(m =>
        {
            received.Add(m);
            throw new InvalidOperationException("subscriber bug");
        }, _ => { }, () => completed++);
        using var b = _streams.SubscriberErrors.Subscribe(errors.Add, () => completed++);

        Append(new Message("a", 1), new Message("b", 2));
        Assert.That(received, Has.Count.EqualTo(2));
        Assert.That(errors.OfType<InvalidOperationException>().Count(), Is.EqualTo(2));

        _streams.Complete();
        _h.Pump();
        Assert.That(completed, Is.EqualTo(2));
    }

    [Test]
    public void Streams_are_created_on_first_use_once_and_the_errors_broadcast_only_for_a_subscriber()
    {
        Assert.That(_streams.StateChanges, Is.SameAs(_streams.StateChanges));
        Assert.That(_streams.Messages, Is.SameAs(_streams.Messages));
        Assert.That(_streams.HasErrorsBroadcast, Is.False);

        // Nobody listens: an error reported now is heard by nobody, as it was with a broadcast that had no subscriber.
        _streams.ReportError(new InvalidOperationException("unheard"));
        Assert.That(_streams.HasErrorsBroadcast, Is.False);

        var errors = new List<Exception>();
        using var subscription = _streams.SubscriberErrors.Subscribe(errors.Add);
        Assert.That(_streams.HasErrorsBroadcast, Is.True);
        _streams.ReportError(new InvalidOperationException("heard"));
        _h.Pump();
        Assert.That(errors.Select(e => e.Message), Is.EqualTo(new[] { "heard" }));
    }

    [Test]
    public void A_first_subscriber_to_errors_after_Complete_completes_at_once()
    {
        _streams.Complete();
        var completed = false;
        using var subscription = _streams.SubscriberErrors.Subscribe(_ => { }, () => completed = true);
        _h.Pump();
        Assert.That(completed, Is.True);
    }
}
