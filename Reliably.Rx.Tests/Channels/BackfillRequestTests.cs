using Reliably.Rx.Channels;

namespace Reliably.Rx.Tests.Channels;

/// <summary>How a backfill recognises the last delivered message (its anchor) and a subscription gap's bound in history.</summary>
[TestFixture]
public sealed class BackfillRequestTests
{
    [Test]
    public void TM2r_the_anchor_is_matched_by_serial_so_a_resent_copy_with_the_same_id_is_not_the_anchor()
    {
        // A restarted server forgot its idempotency window and accepted the publisher's resend of the anchor again, with
        // a serial of its new epoch: reaching that copy must not count as reaching the anchor (what came after the
        // original may be gone).
        var request = new BackfillRequest("attach-2", "id-7", "epoch1-7");

        Assert.That(request.IsAnchor(new Message("m7", "d") { Id = "id-7", Serial = "epoch1-7" }), Is.True);
        Assert.That(request.IsAnchor(new Message("m7", "d") { Id = "id-7", Serial = "epoch2-3" }), Is.False, "same id, another serial");
        Assert.That(request.IsAnchor(new Message("m8", "d") { Id = "id-8", Serial = "epoch1-8" }), Is.False);
    }

    [Test]
    public void RSL1k_without_serials_the_anchor_and_the_bound_are_matched_by_id()
    {
        var anchor = new Message("a", "d") { Id = "id-1" };
        var bound = new Message("b", "d") { Id = "id-5" };
        var request = BackfillRequest.Between(anchor, bound);

        Assert.That(request.IsAnchor(new Message("a", "d") { Id = "id-1", Serial = "s-1" }), Is.True, "the anchor had no serial");
        Assert.That(request.IsBound(new Message("b", "d") { Id = "id-5" }), Is.True);
        Assert.That(request.IsAnchor(new Message("c", "d") { Id = "id-2" }), Is.False);
        Assert.That(request.HasAnchor, Is.True);
        Assert.That(new BackfillRequest("attach-1", null, null, FloorSerial: "attach-0").HasAnchor, Is.False);
    }
}
