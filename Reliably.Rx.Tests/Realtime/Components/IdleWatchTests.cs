using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime.Components;

[TestFixture]
public sealed class IdleWatchTests
{
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    [Test]
    public void RTN23a_activity_re_arms_for_the_remainder_and_silence_past_the_limit_expires()
    {
        var rig = new ComponentRig();
        IdleWatch? watch = null;
        var errors = new List<ErrorInfo?>();
        watch = new IdleWatch(rig.Loop, MaxIdle, Grace, () => errors.Add(watch!.Expired()));
        watch.Start();
        Assert.That(watch.IsRunning, Is.True);

        rig.Advance(TimeSpan.FromSeconds(20));
        watch.Touch();
        rig.Advance(TimeSpan.FromSeconds(5));
        Assert.That(errors, Is.EqualTo(new ErrorInfo?[] { null }), "fired at 25 s, activity at 20 s: re-armed");
        Assert.That(watch.DueAt, Is.EqualTo(rig.Scheduler.Now + TimeSpan.FromSeconds(20)));

        rig.Advance(TimeSpan.FromSeconds(20));
        Assert.That(errors, Has.Count.EqualTo(2));
        Assert.That(errors[1]!.StatusCode, Is.EqualTo(408));
    }

    [Test]
    public void RTN23a_a_maxIdleInterval_of_zero_means_no_timer_and_Stop_stops_it()
    {
        var rig = new ComponentRig();
        var fired = 0;
        var watch = new IdleWatch(rig.Loop, TimeSpan.Zero, Grace, () => fired++);
        watch.Start();
        Assert.That(watch.IsRunning, Is.False);

        watch.MaxIdleInterval = MaxIdle;
        watch.Start();
        watch.Stop();
        rig.Advance(TimeSpan.FromMinutes(5));
        Assert.That(fired, Is.Zero);
    }
}
