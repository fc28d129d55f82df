using BenchmarkDotNet.Attributes;
using Reliably.Rx.Presence;

namespace Reliably.Rx.Benchmarks.Presence;

/// <summary>
/// The presence set (RTP2) with 1 000 members, one member per connection as on a busy channel:
/// <list type="bullet">
/// <item><c>Enter1000</c>: a new map, 1 000 ENTER messages applied (newness check, clone, store).</item>
/// <item><c>EnterThenUpdate1000</c>: the same, then 1 000 UPDATE messages with a later msgSerial; subtract
/// <c>Enter1000</c> for the cost of the updates alone.</item>
/// <item><c>SyncInto1000Empty</c>: a SYNC of 1 000 PRESENT members into an empty map, in 10 pages of 100 as the emulator
/// sends them (BeginSyncPage, Apply, EndSyncPageIfLast).</item>
/// <item><c>ReSync1000</c>: the same SYNC into a map that already holds the same 1 000 members (a re-attach): every
/// message is compared and found not newer, residual tracking does the rest.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
public class PresenceMapBenchmarks
{
    private const int Members = 1000;
    private const int PageSize = 100;
    private static readonly Func<DateTimeOffset> Now = () => DateTimeOffset.UnixEpoch;

    private PresenceMessage[] _enters = null!;
    private PresenceMessage[] _updates = null!;
    private PresenceMessage[] _sync = null!;
    private PresenceMap _populated = null!;

    [GlobalSetup]
    public void Setup()
    {
        _enters = Build(PresenceAction.Enter, msgSerial: 1);
        _updates = Build(PresenceAction.Update, msgSerial: 2);
        _sync = Build(PresenceAction.Present, msgSerial: 1);
        _populated = new PresenceMap(Now);
        foreach (var m in _enters)
        {
            _populated.Apply(m);
        }
    }

    [Benchmark]
    public int Enter1000()
    {
        var map = new PresenceMap(Now);
        foreach (var m in _enters)
        {
            map.Apply(m);
        }

        return (int)map.Version;
    }

    [Benchmark]
    public int EnterThenUpdate1000()
    {
        var map = new PresenceMap(Now);
        foreach (var m in _enters)
        {
            map.Apply(m);
        }

        foreach (var m in _updates)
        {
            map.Apply(m);
        }

        return (int)map.Version;
    }

    [Benchmark]
    public int SyncInto1000Empty() => Sync(new PresenceMap(Now));

    [Benchmark]
    public int ReSync1000() => Sync(_populated);

    private int Sync(PresenceMap map)
    {
        var leaves = 0;
        for (var page = 0; page < Members / PageSize; page++)
        {
            var serial = page == (Members / PageSize) - 1 ? "sync1:" : "sync1:cursor" + page;
            map.BeginSyncPage(serial);
            for (var i = page * PageSize; i < (page + 1) * PageSize; i++)
            {
                map.Apply(_sync[i]);
            }

            leaves += map.EndSyncPageIfLast(serial).Count;
        }

        return leaves + (int)map.Version;
    }

    private static PresenceMessage[] Build(PresenceAction action, int msgSerial)
    {
        var result = new PresenceMessage[Members];
        for (var i = 0; i < Members; i++)
        {
            var connectionId = "conn" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            result[i] = new PresenceMessage(action, "client-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), "{\"status\":\"online\"}")
            {
                ConnectionId = connectionId,
                Id = connectionId + ":" + msgSerial.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":0",
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_712_345_678_901 + msgSerial),
            };
        }

        return result;
    }
}
