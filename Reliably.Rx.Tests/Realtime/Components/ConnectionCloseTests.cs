using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime.Components;

[TestFixture]
public sealed class ConnectionCloseTests
{
    [Test]
    public void RTN12b_the_timer_ends_CLOSING_and_every_waiter_completes_once()
    {
        var rig = new ComponentRig();
        var close = new ConnectionClose(rig.Loop);
        var first = new TaskCompletionSource<bool>();
        var second = new TaskCompletionSource<bool>();
        close.Await(first);
        close.Await(second);
        close.StartTimer(TimeSpan.FromSeconds(10), close.Complete);
        Assert.That(close.IsTiming, Is.True);
        rig.Advance(TimeSpan.FromSeconds(10));
        Assert.That(first.Task.IsCompletedSuccessfully && second.Task.IsCompletedSuccessfully, Is.True);
        Assert.That(close.Waiting, Is.Zero);
    }

    [Test]
    public void A_cancelled_timer_never_fires()
    {
        var rig = new ComponentRig();
        var close = new ConnectionClose(rig.Loop);
        var fired = 0;
        close.StartTimer(TimeSpan.FromSeconds(10), () => fired++);
        close.CancelTimer();
        rig.Advance(TimeSpan.FromSeconds(30));
        Assert.That((fired, close.IsTiming), Is.EqualTo((0, false)));
    }
}
