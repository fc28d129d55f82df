using CsCheck;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Testing;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// Model-based test of the connection state machine with CsCheck, in virtual time against the scripted server: random
/// sequences of user commands (connect, close), network conditions (up, refusing, silent), server frames (DISCONNECTED,
/// connection ERROR), transport losses and clock advances drive both the client and <see cref="ConnectionModel"/>,
/// written from the features spec (RTN11, RTN12, RTN14c-h, RTN15a, RTN15b, RTN15h3, RTN15j, RTB1); after every step the
/// connection's state, its attempts, the attempts that asked to resume and the CLOSE frames must match. A failure
/// shrinks to the shortest sequence and prints the client's state changes and the server's timeline.
/// </summary>
[Category("Property")]
public sealed class ConnectionStateModelTests
{
    // Odd milliseconds, so that a step rarely ends exactly on a timer; the long one crosses connectionStateTtl.
    private static readonly TimeSpan[] Steps =
        [TimeSpan.FromMilliseconds(3_001), TimeSpan.FromMilliseconds(9_007), TimeSpan.FromMilliseconds(16_013), TimeSpan.FromMilliseconds(61_019)];

    // Every operation is followed by this much virtual time in both: the client needs a few loop turns to act, and its
    // frames a turn to reach the server; timers that fall due meanwhile fire in both.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(1);

    private static readonly GenOperation<Actual, ConnectionModel>[] Operations =
    [
        Gen.Operation<Actual, ConnectionModel>("connect", a => a.Connect(), m => Then(m, m.Connect)),
        Gen.Operation<Actual, ConnectionModel>("close", a => a.Close(), m => Then(m, m.Close)),
        Gen.Enum<Network>().Operation<Actual, ConnectionModel>(n => $"network {n}", (a, n) => a.SetNetwork(n), (m, n) => Then(m, () => m.Network = n)),
        Gen.Operation<Actual, ConnectionModel>("transport lost", a => a.Drop(), m => Then(m, m.TransportLost)),
        Gen.Operation<Actual, ConnectionModel>("server DISCONNECTED", a => a.ServerDisconnected(), m => Then(m, m.TransportLost)),
        Gen.Operation<Actual, ConnectionModel>("server connection ERROR", a => a.ServerError(), m => Then(m, m.ServerError)),
        Gen.Int[0, Steps.Length - 1].Operation<Actual, ConnectionModel>(i => $"advance {Steps[i].TotalSeconds} s", (a, i) => a.Advance(Steps[i]), (m, i) => Then(m, () => m.Advance(Steps[i]))),
    ];

    [Test]
    public void Connection_states_attempts_and_resumes_follow_the_spec_model_in_virtual_time()
    {
        Gen.Const(() => (new Actual(), new ConnectionModel()))
            .SampleModelBased(Operations, (a, m) => a.Describe() == m.Describe(), iter: 300, threads: 1, printActual: a => a.Trace(), printModel: m => m.Describe());
    }

    private static void Then(ConnectionModel model, Action operation)
    {
        operation();
        model.Advance(Settle);
    }

    /// <summary>A client of the scripted server, which answers connection attempts and CLOSE as the network allows.</summary>
    internal sealed class Actual
    {
        private readonly TestScheduler _scheduler = new();
        private readonly ScriptedAbly _server;
        private readonly AblyRealtime _client;
        private readonly List<string> _changes = [];
        private Network _network = Network.Up;
        private int _keys;

        public Actual()
        {
            _server = new ScriptedAbly(_scheduler)
            {
                OnConnectionAttempt = Answer,
                OnFrameFromClient = (connection, frame) =>
                {
                    if (frame.Action == ProtocolAction.Close && _network != Network.Silent)
                    {
                        connection.SendAndClose(ProtocolFrame.Closed());
                    }
                },
            };

            // No fallback hosts: every attempt goes to the primary host, and none waits for a connectivity check.
            _client = _server.CreateRealtime(o => o with { Random = new JitterPinned(), FallbackHosts = [] });
            _client.Connection.StateChanges.Subscribe(c => _changes.Add($"{_scheduler.Now:HH:mm:ss.fff} {c.Previous}->{c.Current} {c.Reason?.Code}"));
            _scheduler.AdvanceBy(Settle.Ticks);
        }

        // maxIdleInterval 0 turns the idle timer off (RTN23a): only the connection's own timers run in long advances.
        private void Answer(ScriptedConnection attempt)
        {
            switch (_network)
            {
                case Network.Up:
                    attempt.RespondWithSuccess(ProtocolFrame.Connected("conn-1", "key-" + _keys++, maxIdleInterval: TimeSpan.Zero));
                    break;
                case Network.Down:
                    attempt.Refuse();
                    break;
                default:
                    attempt.Accept();
                    break;
            }
        }

        private ScriptedConnection? Open => _server.LastConnection is { IsOpen: true } c && _client.Connection.State == ConnectionState.Connected ? c : null;

        public void Connect() => Run(_client.Connection.Connect);

        public void Close() => Run(() => _ = _client.Connection.CloseAsync().ContinueWith(t => t.Exception, TaskScheduler.Default));

        public void SetNetwork(Network network) => Run(() => _network = network);

        public void Drop() => Run(() => Open?.Drop());

        public void ServerDisconnected() => Run(() => Open?.SendAndClose(ProtocolFrame.Disconnected(new ErrorInfo(80003, 503, "disconnected by the server"))));

        public void ServerError() => Run(() => Open?.SendAndClose(ProtocolFrame.ErrorFrame(new ErrorInfo(50000, 500, "connection failed"))));

        public void Advance(TimeSpan by) => _scheduler.AdvanceBy((by + Settle).Ticks);

        private void Run(Action action)
        {
            action();
            _scheduler.AdvanceBy(Settle.Ticks);
        }

        /// <summary>What a failure prints: the state, the connection's state changes and the server's timeline.</summary>
        public string Trace() =>
            Describe() + Environment.NewLine + string.Join(Environment.NewLine, _changes) + Environment.NewLine
            + string.Join(Environment.NewLine, _server.Events.Select(e => $"{e.At:HH:mm:ss.fff} {e.Kind} {e.Frame?.Action} {e.Connection?.Param("resume")}"));

        public string Describe()
        {
            var attempts = _server.Connections;
            var closes = attempts.Sum(c => c.FramesFromClientOf(ProtocolAction.Close).Count());
            return $"{_client.Connection.State} attempts={attempts.Count} resumes={attempts.Count(c => c.Param("resume") is not null)} closes={closes}";
        }
    }

    /// <summary>RTB1b's jitter pinned to 0.9 (never 1, so that retries rarely fall on the connectionStateTtl deadline).</summary>
    private sealed class JitterPinned : Random
    {
        public override double NextDouble() => 0.5;

        public override int Next(int maxValue) => 0;

        public override int Next(int minValue, int maxValue) => minValue;
    }
}
