namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The specs' <c>client.connection.on((change) =&gt; state_changes.append(change))</c>: records every connection state
/// change and UPDATE from the moment it is created. <see cref="Connection.StateChanges"/> first replays the current
/// state to a new subscriber; a spec's listener only sees later events, so that replay is left out.
/// </summary>
/// <remarks>Changes reach the recorder on the test's scheduler, a step after the loop made them: advance first.</remarks>
public sealed class ConnectionRecorder : IDisposable
{
    private readonly List<ConnectionStateChange> _changes = new();
    private readonly IDisposable _subscription;

    public ConnectionRecorder(Connection connection)
    {
        var first = true;
        _subscription = connection.StateChanges.Subscribe(
            change =>
            {
                if (first)
                {
                    first = false;
                    return;
                }

                _changes.Add(change);
            },
            _ => { });
    }

    /// <summary>Every change and UPDATE seen so far, in order.</summary>
    public IReadOnlyList<ConnectionStateChange> Changes => _changes;

    /// <summary>The <c>current</c> state of each change, in order (UPDATE events included, as CONNECTED).</summary>
    public IReadOnlyList<ConnectionState> States => _changes.Select(c => c.Current).ToList();

    /// <summary>The changes into <paramref name="state"/> (UPDATE events left out), as <c>connection.on(state, ...)</c> sees them.</summary>
    public IReadOnlyList<ConnectionStateChange> Into(ConnectionState state) =>
        _changes.Where(c => c.Current == state && c.Event != ConnectionEvent.Update).ToList();

    /// <summary>The UPDATE events, as <c>connection.on(ConnectionEvent.update, ...)</c> sees them.</summary>
    public IReadOnlyList<ConnectionStateChange> Updates => _changes.Where(c => c.Event == ConnectionEvent.Update).ToList();

    /// <summary>
    /// <c>AWAIT_STATE</c> for a transient state: advances until a change into <paramref name="state"/> has been recorded.
    /// A DISCONNECTED followed at once by CONNECTING (RTN15a) is over before <see cref="Connection.State"/> can be read
    /// between scheduler items; the recorded sequence still has it (uts/realtime/unit/helpers/mock_websocket.md,
    /// "Verifying State Transitions with Event Sequences").
    /// </summary>
    public ConnectionStateChange AwaitChange(TestScheduler scheduler, ConnectionState state, TimeSpan? limit = null)
    {
        if (!scheduler.AdvanceUntil(() => Into(state).Count > 0, limit ?? Uts.DefaultLimit))
        {
            Assert.Fail($"AWAIT_STATE: no change to {state} after {limit ?? Uts.DefaultLimit} of virtual time (seen: {string.Join(", ", States)}).");
        }

        return Into(state)[0];
    }

    public void Dispose() => _subscription.Dispose();
}
