using CsCheck;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Testing;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>
/// Model-based test of the channel state machine with CsCheck, in virtual time against the scripted server: random
/// sequences of user commands (attach, detach), server frames (ATTACHED, DETACHED, channel ERROR), transport losses
/// with a successful resume, and clock advances drive both the client and <see cref="ChannelModel"/>, written from the
/// features spec (RTL3d, RTL4, RTL4f, RTL4g, RTL4h, RTL5, RTL5a, RTL5f, RTL5i, RTL5j, RTL5k, RTL12, RTL13a, RTL13b,
/// RTL14, RTB1); after every step the channel's state and the ATTACH and DETACH frames it sent must match. A failure shrinks to the shortest sequence.
/// </summary>
[Category("Property")]
public sealed class ChannelStateModelTests
{
    private static readonly TimeSpan[] Steps = [TimeSpan.FromMilliseconds(3_001), TimeSpan.FromMilliseconds(9_007), TimeSpan.FromMilliseconds(16_013)];

    // Every operation is followed by this much virtual time in both: the client needs a few loop turns to act on a
    // command or frame (and the frames it sends a turn to reach the server); timers that fall due meanwhile fire in both.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(1);

    private static readonly GenOperation<Actual, ChannelModel>[] Operations =
    [
        Gen.Operation<Actual, ChannelModel>("attach", a => a.Attach(), m => Then(m, m.Attach)),
        Gen.Operation<Actual, ChannelModel>("detach", a => a.Detach(), m => Then(m, m.Detach)),
        Gen.Bool.Operation<Actual, ChannelModel>(resumed => $"server ATTACHED resumed={resumed}", (a, resumed) => a.ServerAttached(resumed), (m, _) => Then(m, m.ServerAttached)),
        Gen.Operation<Actual, ChannelModel>("server DETACHED", a => a.ServerDetached(), m => Then(m, m.ServerDetached)),
        Gen.Operation<Actual, ChannelModel>("server channel ERROR", a => a.ServerError(), m => Then(m, m.ServerError)),
        Gen.Operation<Actual, ChannelModel>("transport lost, resumed", a => a.DropAndResume(), m => Then(m, m.Resumed)),
        Gen.Int[0, Steps.Length - 1].Operation<Actual, ChannelModel>(i => $"advance {Steps[i].TotalSeconds} s", (a, i) => a.Advance(Steps[i]), (m, i) => Then(m, () => m.Advance(Steps[i]))),
    ];

    private static void Then(ChannelModel model, Action operation)
    {
        operation();
        model.Advance(Settle);
    }

    [Test]
    public void Channel_states_and_frames_follow_the_spec_model_in_virtual_time()
    {
        Gen.Const(() => (new Actual(), new ChannelModel()))
            .SampleModelBased(Operations, (a, m) => a.Describe() == m.Describe(), iter: 400, threads: 1, printActual: a => a.Trace(), printModel: m => m.Describe());
    }

    /// <summary>A client connected to the scripted server, with one channel; the server answers only when told to.</summary>
    internal sealed class Actual
    {
        private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);
        private readonly TestScheduler _scheduler = new();
        private readonly ScriptedAbly _server;
        private readonly AblyRealtime _client;
        private readonly RealtimeChannel _channel;
        private readonly List<string> _changes = [];
        private int _connections;

        public Actual()
        {
            _server = new ScriptedAbly(_scheduler);
            _client = _server.CreateRealtime(o => o with { Random = new RealtimeHarness.PinnedRandom() });
            Accept(_server.NextConnectionAttempt(Limit));
            _channel = _client.Channels.Get("chat");
            _channel.StateChanges.Subscribe(c => _changes.Add($"{_scheduler.Now:mm:ss.fff} {c.Previous}->{c.Current}"));

            // The channel registers with the loop on the loop's next turn; server frames before that would be unroutable.
            _scheduler.AdvanceBy(Settle.Ticks);
        }

        private ScriptedConnection Connection => _server.LastConnection!;

        // maxIdleInterval 0 turns the idle timer off (RTN23a), so only the channel's timers run in long advances.
        private void Accept(ScriptedConnection attempt)
        {
            attempt.RespondWithSuccess(ProtocolFrame.Connected("conn-1", "key-" + _connections++, maxIdleInterval: TimeSpan.Zero));
            _scheduler.AdvanceUntil(() => _client.Connection.State == ConnectionState.Connected, Limit);
            _scheduler.AdvanceBy(Settle.Ticks);
        }

        public void Attach() => Observe(_channel.AttachAsync());

        public void Detach() => Observe(_channel.DetachAsync());

        public void ServerAttached(bool resumed) => Send(ProtocolFrame.Attached("chat", "serial-1", flags: resumed ? 4 : 0));

        public void ServerDetached() => Send(ProtocolFrame.Detached("chat", new ErrorInfo(90198, 500, "detached by the server")));

        public void ServerError() => Send(ProtocolFrame.ErrorFrame(new ErrorInfo(90000, 500, "channel failed"), "chat"));

        public void DropAndResume()
        {
            Connection.Drop();
            Accept(_server.NextConnectionAttempt(Limit));
        }

        public void Advance(TimeSpan by) => _scheduler.AdvanceBy((by + Settle).Ticks);

        private void Send(ProtocolFrame frame)
        {
            Connection.Send(frame);
            _scheduler.AdvanceBy(Settle.Ticks);
        }

        private void Observe(Task task)
        {
            // The outcome does not matter here (the state does); observe it so a failure is not unobserved.
            _ = task.ContinueWith(t => t.Exception, TaskScheduler.Default);
            _scheduler.AdvanceBy(Settle.Ticks);
        }

        /// <summary>What a failure prints: the state, the channel's state changes and the server's timeline.</summary>
        public string Trace() =>
            Describe() + Environment.NewLine + string.Join(Environment.NewLine, _changes) + Environment.NewLine
            + string.Join(Environment.NewLine, _server.Events.Select(e => $"{e.At:mm:ss.fff} {e.Kind} {e.Frame?.Action}"));

        public string Describe()
        {
            var sent = _server.Connections.SelectMany(c => c.FramesFromClient).Where(f => f.Channel == "chat").ToList();
            return $"{_channel.State} attaches={sent.Count(f => f.Action == ProtocolAction.Attach)} detaches={sent.Count(f => f.Action == ProtocolAction.Detach)}";
        }
    }
}
