using System.Globalization;
using CsCheck;
using Reliably.Rx.Presence;

namespace Reliably.Rx.Tests.Presence;

/// <summary>
/// Model-based test of <see cref="PresenceMap"/> with CsCheck: random sequences of PRESENCE frames, SYNC pages (one or
/// several, new sync ids replacing one in flight), ATTACHED without HAS_PRESENCE and DETACHED are applied to the map and
/// to <see cref="PresenceModel"/>, a reference written from the spec's text (RTP2, RTP18, RTP19), and both must agree on
/// the members held (with ABSENT markers) and on every event emitted, in order. Failures shrink to the shortest sequence.
/// The universe is small on purpose so that operations collide: connection ids where one is a prefix of another (c1,
/// c10), equal timestamps, ids with and without the connection's prefix, null ids.
/// </summary>
[Category("Property")]
public sealed class PresenceMapModelTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000);

    private static readonly Gen<PresenceMessage> Member = Gen.Select(
        Gen.OneOf("c1", "c2", "c10"),
        Gen.OneOf("alice", "bob"),
        Gen.OneOf(PresenceAction.Enter, PresenceAction.Update, PresenceAction.Present, PresenceAction.Leave),
        Gen.Int[0, 5], Gen.Int[0, 3], Gen.Int[0, 9],
        Gen.Int[0, 4],
        (connectionId, clientId, action, serial, index, kind, at) => new PresenceMessage(action, clientId, $"{connectionId}/{serial}/{index}")
        {
            ConnectionId = connectionId,
            // Mostly ids published by the member's own connection (RTP2b2); sometimes a server-synthesized one, a null id,
            // or an id of another connection whose id has this one as a prefix.
            Id = kind switch
            {
                < 6 => $"{connectionId}:{serial}:{index}",
                6 => $"synth-{serial}:{serial}:{index}",
                7 => null,
                8 => $"{connectionId}0:{serial}:{index}",
                _ => $"{connectionId}:{serial}",
            },
            Timestamp = Now.AddSeconds(-10).AddMilliseconds(at),
        });

    private static readonly Gen<string?> SyncSerial = Gen.OneOf<string?>("s1:a", "s1:b", "s1:", "s2:a", "s2:", null);

    private static readonly GenOperation<Actual, PresenceModel>[] Operations =
    [
        Member.Array[1, 3].Operation<Actual, PresenceModel>(
            ms => "PRESENCE " + Print(ms),
            (a, ms) => a.Presence(ms),
            (m, ms) => m.Presence(ms)),
        Gen.Select(SyncSerial, Member.Array[0, 3]).Operation<Actual, PresenceModel>(
            t => $"SYNC {t.Item1 ?? "(no serial)"} {Print(t.Item2)}",
            (a, t) => a.Sync(t.Item1, t.Item2),
            (m, t) => m.Sync(t.Item1, t.Item2)),
        Gen.Operation<Actual, PresenceModel>("ATTACHED with HAS_PRESENCE", a => a.Map.StartSync(), m => m.StartSync()),
        Gen.Operation<Actual, PresenceModel>("ATTACHED without HAS_PRESENCE", a => a.Emit(a.Map.ClearWithLeaves()), m => m.AttachedWithoutPresence()),
        Gen.Operation<Actual, PresenceModel>("DETACHED", a => a.Map.Clear(), m => m.Clear()),
    ];

    [Test]
    public void PresenceMap_agrees_with_the_RTP2_RTP18_RTP19_model_on_members_and_events()
    {
        Gen.Const(() => (new Actual(), new PresenceModel(Now)))
            .SampleModelBased(Operations, Equal, iter: 4000, printActual: a => a.Describe(), printModel: m => m.Describe());
    }

    private static bool Equal(Actual actual, PresenceModel model) => actual.Describe() == model.Describe();

    private static string Print(PresenceMessage[] ms) => string.Join(", ", ms.Select(m => $"{m.Action} {m.MemberKey} id={m.Id ?? "null"} t={m.Timestamp!.Value.ToUnixTimeMilliseconds() % 100_000}"));

    internal static string DescribeMember(string key, PresenceAction action, PresenceMessage m) =>
        $"{key}={action}({m.Id ?? "null"},{m.Data},{m.Timestamp?.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) ?? "null"})";

    internal static string DescribeEvent(PresenceMessage m) => $"{m.Action} {m.MemberKey} {m.Id ?? "null"} {m.Data} {m.Timestamp?.ToUnixTimeMilliseconds()}";

    /// <summary>The real map, driven as RealtimePresence drives it, with the events it returns.</summary>
    internal sealed class Actual
    {
        public PresenceMap Map { get; } = new(() => Now);

        public List<PresenceMessage> Events { get; } = [];

        /// <summary>A batch of synthesized leaves; the spec gives them no order, so both sides list them by member key.</summary>
        public void Emit(IEnumerable<PresenceMessage> events) => Events.AddRange(events.OrderBy(e => e.MemberKey, StringComparer.Ordinal));

        public void Presence(PresenceMessage[] messages)
        {
            foreach (var m in messages)
            {
                if (Map.Apply(m) is { } e)
                {
                    Events.Add(e);
                }
            }
        }

        public void Sync(string? serial, PresenceMessage[] messages)
        {
            Map.BeginSyncPage(serial);
            Presence(messages);
            Emit(Map.EndSyncPageIfLast(serial));
        }

        public string Describe()
        {
            // ABSENT markers are internal, but they decide later outcomes; TryGet hides them, so compare through
            // Members (PRESENT) and the sync flag, and the events.
            var members = Map.Members.Select(m => DescribeMember(m.MemberKey, m.Action, m)).Order(StringComparer.Ordinal);
            return $"sync={Map.SyncInProgress} members=[{string.Join("; ", members)}] events=[{string.Join(" | ", Events.Select(DescribeEvent))}]";
        }
    }
}
