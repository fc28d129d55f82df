namespace Reliably.Rx.Tests.Chaos;

/// <summary>
/// The duty cycle of the bounded subscriber's slow spells: a spell may start only once the previous one has ended and
/// the subscriber has then been fast for at least as long as that spell lasted (and for <see cref="MinimumFast"/>).
/// Without it, spells that replace each other keep the subscriber slow for the rest of a long run, below the arrival
/// rate, so its losses measure the test's design rather than the library's overflow policy and gap repair.
/// </summary>
internal sealed class SlowSpellDutyCycle
{
    /// <summary>The shortest fast period between two spells, long enough for a repair of the last gap to run.</summary>
    public static readonly TimeSpan MinimumFast = TimeSpan.FromSeconds(5);

    private TimeSpan? _spellStarted;
    private TimeSpan _spellLasted;
    private TimeSpan? _fastSince;

    /// <summary>
    /// Called at each injector tick that would start a spell; true (and the spell is taken as started at
    /// <paramref name="now"/>) when the duty cycle allows one.
    /// </summary>
    public bool MayStart(ChaosSubscriber subscriber, TimeSpan now)
    {
        Observe(subscriber, now);
        if (_spellStarted is not null || (_fastSince is { } fast && now - fast < TimeSpan.FromTicks(Math.Max(_spellLasted.Ticks, MinimumFast.Ticks))))
        {
            return false;
        }

        _spellStarted = now;
        _fastSince = null;
        return true;
    }

    /// <summary>Notes when the current spell ended (the subscriber has no slowed deliveries left).</summary>
    public void Observe(ChaosSubscriber subscriber, TimeSpan now)
    {
        if (_spellStarted is { } started && !subscriber.IsSlow)
        {
            _spellLasted = now - started;
            _spellStarted = null;
            _fastSince = now;
        }
    }
}
