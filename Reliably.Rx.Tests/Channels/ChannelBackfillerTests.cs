using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;
using Reliably.Rx.Streams;

namespace Reliably.Rx.Tests.Channels;

/// <summary>
/// The continuity and backfill component on its own (RTL15c): a feed on a virtual-time loop, history from a test
/// source, no channel around it.
/// </summary>
[TestFixture]
public sealed class ChannelBackfillerTests
{
    private ChannelComponentsRig _rig = null!;
    private ChannelBackfiller _backfiller = null!;
    private List<ChannelNotification> _seen = null!;
    private List<BackfillRequest> _requests = null!;
    private TaskCompletionSource<BackfillResult> _history = null!;

    [SetUp]
    public void SetUp()
    {
        _rig = new ChannelComponentsRig(connect: false);
        _backfiller = _rig.Backfiller;
        _seen = _rig.Seen;
        _requests = new List<BackfillRequest>();
        _history = new TaskCompletionSource<BackfillResult>();
        _backfiller.Source = request =>
        {
            _requests.Add(request);
            return _history.Task;
        };
    }

    [TearDown]
    public async Task TearDown() => await _rig.DisposeAsync();

    private static Message M(string id, string? serial = null) => new("m", id) { Id = id, Serial = serial ?? "s-" + id };

    private void OnLoop(Action action) => _rig.OnLoop(action);

    private IEnumerable<string> Delivered() => _seen.Select(n => n switch
    {
        MessageNotification m => m.Message.Id!,
        DiscontinuityNotification d => $"gap:{d.Discontinuity.Kind}:{d.Discontinuity.Backfilling}",
        AnnotationNotification a => "annotation:" + a.Annotation.Name,
        StateChangeNotification c => "state:" + c.Change.Current,
        _ => "?",
    });

    private void AttachAt(string attachSerial) =>
        OnLoop(() => _rig.Position.ApplyAttached(new ProtocolMessage(ProtocolAction.Attached, "chat") { ChannelSerial = attachSerial }));

    [Test]
    public void Live_messages_are_delivered_in_order_and_a_repeat_is_suppressed_only_with_AutoBackfill()
    {
        OnLoop(() =>
        {
            _backfiller.Deliver(M("a"), autoBackfill: true);
            _backfiller.Deliver(M("a"), autoBackfill: true);
            _backfiller.Deliver(M("b"), autoBackfill: false);
            _backfiller.Deliver(M("b"), autoBackfill: false);
        });
        Assert.That(Delivered(), Is.EqualTo(new[] { "a", "b", "b" }));
        Assert.That(_backfiller.SuppressedDuplicates, Is.EqualTo(1));
    }

    [Test]
    public void RTL15c_a_gap_holds_live_delivery_then_delivers_the_missed_messages_before_the_held_ones_once_each()
    {
        AttachAt("attach-1");
        OnLoop(() =>
        {
            _backfiller.BeginContinuity();
            _backfiller.Deliver(M("1"), autoBackfill: true);
        });
        AttachAt("attach-2");
        OnLoop(() =>
        {
            _backfiller.OnDiscontinuity(DiscontinuityKind.AttachNotResumed, null, autoBackfill: true);
            _backfiller.Deliver(M("3"), autoBackfill: true);
            _backfiller.Deliver(M("4"), autoBackfill: true);
        });
        Assert.That(Delivered(), Is.EqualTo(new[] { "1", "gap:AttachNotResumed:True" }), "live delivery is held");
        Assert.That(_requests.Single(), Is.EqualTo(new BackfillRequest("attach-2", "1", "s-1")), "read back from the new attach point to the last delivered");

        // History holds the missed message and one of the held ones: each is delivered once, in history's order.
        _history.SetResult(new BackfillResult(new[] { M("2"), M("3") }, Reached: true));
        _rig.H.Pump();
        Assert.That(Delivered(), Is.EqualTo(new[] { "1", "gap:AttachNotResumed:True", "2", "3", "4" }));
        Assert.That(_backfiller.Backfilled, Is.EqualTo(2));
    }

    [Test]
    public void RTL15c_with_nothing_delivered_the_gap_is_bounded_by_the_attach_point_continuity_began_at()
    {
        AttachAt("attach-1");
        OnLoop(_backfiller.BeginContinuity);
        AttachAt("attach-2");
        OnLoop(() => _backfiller.OnDiscontinuity(DiscontinuityKind.AttachNotResumed, null, autoBackfill: true));
        Assert.That(_requests.Single(), Is.EqualTo(new BackfillRequest("attach-2", null, null, FloorSerial: "attach-1")));
    }

    [Test]
    public void Without_an_anchor_or_without_AutoBackfill_a_gap_is_only_reported()
    {
        OnLoop(() => _backfiller.OnDiscontinuity(DiscontinuityKind.Update, null, autoBackfill: true));
        OnLoop(() => _backfiller.Deliver(M("1"), autoBackfill: false));
        OnLoop(() => _backfiller.OnDiscontinuity(DiscontinuityKind.Update, null, autoBackfill: false));
        OnLoop(() => _backfiller.Deliver(M("2"), autoBackfill: false));
        Assert.That(Delivered(), Is.EqualTo(new[] { "gap:Update:False", "1", "gap:Update:False", "2" }));
        Assert.That(_requests, Is.Empty);
    }

    [Test]
    public void Entering_DETACHED_ends_a_backfill_delivers_what_is_held_and_reports_it_incomplete()
    {
        OnLoop(() => _backfiller.Deliver(M("1"), autoBackfill: true));
        OnLoop(() =>
        {
            _backfiller.OnDiscontinuity(DiscontinuityKind.AttachNotResumed, null, autoBackfill: true);
            _backfiller.Deliver(M("2"), autoBackfill: true);
            _backfiller.OnStateEntered(ChannelState.Attaching);
        });
        Assert.That(Delivered(), Is.EqualTo(new[] { "1", "gap:AttachNotResumed:True" }), "only DETACHED or FAILED ends it");

        OnLoop(() => _backfiller.OnStateEntered(ChannelState.Detached));
        Assert.That(Delivered(), Is.EqualTo(new[] { "1", "gap:AttachNotResumed:True", "2", "gap:BackfillIncomplete:False" }));

        // The late history answers a backfill that no longer exists: nothing more is delivered.
        _history.SetResult(new BackfillResult(new[] { M("x") }, Reached: true));
        _rig.H.Pump();
        Assert.That(_seen, Has.Count.EqualTo(4));
    }

    [Test]
    public void RTAN4b_an_annotation_during_a_backfill_waits_after_the_messages_held_before_it()
    {
        OnLoop(() => _backfiller.Deliver(M("1"), autoBackfill: true));
        OnLoop(() =>
        {
            _backfiller.OnDiscontinuity(DiscontinuityKind.AttachNotResumed, null, autoBackfill: true);
            _backfiller.Deliver(new Annotation { Name = "first" });
            _backfiller.Deliver(M("3"), autoBackfill: true);
            _backfiller.Deliver(new Annotation { Name = "second" });
        });
        _history.SetResult(new BackfillResult(new[] { M("2") }, Reached: true));
        _rig.H.Pump();
        Assert.That(Delivered(), Is.EqualTo(new[] { "1", "gap:AttachNotResumed:True", "2", "annotation:first", "3", "annotation:second" }));
    }
}
