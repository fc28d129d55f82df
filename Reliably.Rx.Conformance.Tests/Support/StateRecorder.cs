namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The states a connection or channel went through, recorded from its state-change stream: what the specs'
/// <c>state_changes</c> lists are, and how a transient state (a DISCONNECTED immediately followed by a reconnection,
/// RTN15a) is awaited: the <c>State</c> property may have moved on before the test looks (mock_websocket.md, "Verifying
/// State Transitions with Event Sequences").
/// </summary>
/// <typeparam name="TState">ConnectionState or ChannelState.</typeparam>
public sealed class StateRecorder<TState> : IDisposable
    where TState : struct, Enum
{
    private readonly object _gate = new();
    private readonly List<TState> _states = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = new();
    private readonly IDisposable _subscription;

    internal StateRecorder(Func<Action<TState>, IDisposable> subscribe) => _subscription = subscribe(Add);

    /// <summary>Each new state, in order (the current state at subscription time excluded).</summary>
    public IReadOnlyList<TState> States
    {
        get
        {
            lock (_gate)
            {
                return _states.ToArray();
            }
        }
    }

    /// <summary>How many times <paramref name="state"/> was entered.</summary>
    public int Count(TState state) => States.Count(s => EqualityComparer<TState>.Default.Equals(s, state));

    /// <summary>
    /// Integration tests (wall clock): completes once <paramref name="state"/> has been entered <paramref name="times"/>
    /// times; fails with the recorded states after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitForAsync(TState state, TimeSpan timeout, int times = 1)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool Reached() => Count(state) >= times;
        lock (_gate)
        {
            _waiters.Add((Reached, done));
        }

        if (Reached())
        {
            done.TrySetResult();
        }

        try
        {
            await done.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"AWAIT_STATE: {state} not reached {times} time(s) within {timeout} (states: {string.Join(", ", States)}).");
        }
    }

    private void Add(TState state)
    {
        (Func<bool> Condition, TaskCompletionSource Done)[] waiters;
        lock (_gate)
        {
            _states.Add(state);
            waiters = _waiters.ToArray();
        }

        foreach (var (condition, done) in waiters)
        {
            if (condition())
            {
                done.TrySetResult();
            }
        }
    }

    /// <summary>True when <paramref name="expected"/> appear in this order (other states may come between).</summary>
    public bool ContainsInOrder(params TState[] expected)
    {
        var next = 0;
        foreach (var state in States)
        {
            if (next < expected.Length && EqualityComparer<TState>.Default.Equals(state, expected[next]))
            {
                next++;
            }
        }

        return next == expected.Length;
    }

    /// <summary>Stops recording.</summary>
    public void Dispose() => _subscription.Dispose();
}

/// <summary>Creates <see cref="StateRecorder{TState}"/>s and waits on them in virtual time.</summary>
public static class StateRecording
{
    /// <summary>Starts recording the connection's state changes (the spec's <c>connection.on(...)</c> listener).</summary>
    public static StateRecorder<ConnectionState> RecordStates(this Connection connection) =>
        new(add => connection.StateChanges.Subscribe(c => { if (c.Current != c.Previous) { add(c.Current); } }, _ => { }));

    /// <summary>Starts recording the channel's state changes (the spec's <c>channel.on(...)</c> listener).</summary>
    public static StateRecorder<ChannelState> RecordStates(this RealtimeChannel channel) =>
        new(add => channel.StateChanges.Subscribe(c => { if (c.Current != c.Previous) { add(c.Current); } }, _ => { }));

    /// <summary>
    /// <c>AWAIT_STATE</c> for a state that may be transient: advances until the recorder has seen <paramref name="state"/>
    /// entered at least <paramref name="times"/> times.
    /// </summary>
    public static void AwaitRecorded<TState>(this TestScheduler scheduler, StateRecorder<TState> recorder, TState state, int times = 1, TimeSpan? limit = null)
        where TState : struct, Enum
    {
        if (!scheduler.AdvanceUntil(() => recorder.Count(state) >= times, limit ?? Uts.DefaultLimit))
        {
            Assert.Fail($"AWAIT_STATE: {state} not reached {times} time(s) within {limit ?? Uts.DefaultLimit} of virtual time (states: {string.Join(", ", recorder.States)}).");
        }
    }
}
