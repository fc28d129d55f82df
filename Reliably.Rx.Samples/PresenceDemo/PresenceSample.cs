using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Samples.Shared;

namespace Reliably.Rx.Samples.PresenceDemo;

/// <summary>
/// Who is online: presence members combined with the connection state into one status line, as a UI would bind it.
/// Members come and go; one drops abruptly and is removed by the server after its leave delay.
/// </summary>
public static class PresenceSample
{
    public static async Task RunAsync()
    {
        await using var env = await SampleEnvironment.StartAsync();
        var name = SampleEnvironment.Channel("lobby");
        await using var host = await env.ConnectAsync(clientId: "host");
        var lobby = host.Channels.Get(name);

        Say.Title("Presence: a status line from CombineLatest(connection state, members)");
        var status = host.Connection.StateChanges.Select(c => c.Current)
            .CombineLatest(lobby.Presence.Members, (state, members) =>
                $"[{state}] {members.Count} online: {string.Join(", ", members.Select(m => $"{m.ClientId}({m.Data})").OrderBy(s => s))}")
            .DistinctUntilChanged();
        using var printer = status.Subscribe(Say.Line, error => Say.Warn(error.Message));

        await lobby.Presence.EnterAsync("hosting");
        await using var alice = await env.ConnectAsync(clientId: "alice");
        await using var bob = await env.ConnectAsync(clientId: "bob");
        await alice.Channels.Get(name).Presence.EnterAsync("reading");
        await bob.Channels.Get(name).Presence.EnterAsync("typing");
        await lobby.Presence.Members.FirstAsync(m => m.Count == 3).ToTask().WaitAsync(TimeSpan.FromSeconds(30));

        await alice.Channels.Get(name).Presence.UpdateAsync("away");
        await lobby.Presence.Members.FirstAsync(m => m.Any(x => x.ClientId == "alice" && "away".Equals(x.Data))).ToTask().WaitAsync(TimeSpan.FromSeconds(30));
        await bob.Channels.Get(name).Presence.LeaveAsync();
        await lobby.Presence.Members.FirstAsync(m => m.Count == 2).ToTask().WaitAsync(TimeSpan.FromSeconds(30));

        if (env.Emulator is not null)
        {
            Say.Line("alice's connection drops abruptly and cannot come back; the server removes her after the leave delay");
            env.Emulator.Faults.FailConnectionAttempts();
            env.Emulator.Faults.DropConnection(alice.Connection.Id!);
            var leave = await lobby.Presence.EventsOf(PresenceAction.Leave).FirstAsync(m => m.ClientId == "alice").ToTask().WaitAsync(TimeSpan.FromSeconds(30));
            Say.Line($"LEAVE for {leave.ClientId} at {leave.Timestamp:HH:mm:ss.fff}");
            env.Emulator.Faults.Reset();
        }

        var everyone = await lobby.Presence.GetAsync();
        Say.Ok($"presence now: {string.Join(", ", everyone.Select(m => m.ClientId))}");
    }
}
