using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Presence.Integration;

/// <summary>Realtime presence over real WebSockets against the in-process emulator, in JSON and msgpack.</summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class PresenceIntegrationTests
{
    public static readonly object[] Formats = { "json", "msgpack" };

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // Long enough that a client resuming after a fault is back before the server gives up on its members.
    private static readonly TimeSpan LeaveDelay = TimeSpan.FromSeconds(3);

    private readonly List<AblyRealtime> _clients = new();
    private AblyEmulator _emulator = null!;

    [OneTimeSetUp]
    public async Task StartEmulator() =>
        _emulator = await AblyEmulator.StartAsync(new EmulatorOptions { PresenceLeaveDelay = LeaveDelay, SyncPageSize = 100 }).WaitAsync(Wait);

    [OneTimeTearDown]
    public async Task StopEmulator() => await _emulator.DisposeAsync();

    [TearDown]
    public async Task DisposeClients()
    {
        _emulator.Faults.Reset();
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _clients.Clear();
    }

    [TestCaseSource(nameof(Formats))]
    public async Task ThreeClients_EnterUpdateLeave_AndEveryMembersStreamConverges(string format)
    {
        var channel = Unique("trio");
        var clients = new[] { await Connect(format, "a"), await Connect(format, "b"), await Connect(format, "c") };
        var presences = clients.Select(c => c.Channels.Get(channel).Presence).ToArray();

        await Task.WhenAll(presences.Select((p, i) => p.EnterAsync("data-" + i))).WaitAsync(Wait);
        await presences[0].UpdateAsync("a-updated").WaitAsync(Wait);
        await presences[1].LeaveAsync().WaitAsync(Wait);

        // Each client's Members stream (a snapshot, then every change) must settle on the same final set.
        foreach (var presence in presences)
        {
            var settled = await presence.Members
                .FirstAsync(set => Describe(set) == "a=a-updated,c=data-2")
                .ToTask().WaitAsync(Wait);
            Assert.That(settled.All(m => m.Action == PresenceAction.Present), Is.True);
        }

        var fromGet = await presences[2].GetAsync().WaitAsync(Wait);
        Assert.That(Describe(fromGet), Is.EqualTo("a=a-updated,c=data-2"));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTP18_250Members_SyncAcrossSeveralPages(string format)
    {
        var channel = Unique("crowd");
        var host = await Connect(format, clientId: null);
        var hostPresence = host.Channels.Get(channel).Presence;
        await Task.WhenAll(Enumerable.Range(0, 250).Select(i => hostPresence.EnterClientAsync("member-" + i, "data-" + i))).WaitAsync(Wait);

        var late = await Connect(format, clientId: null);
        var members = await late.Channels.Get(channel).Presence.GetAsync().WaitAsync(Wait);

        Assert.That(members.Select(m => m.ClientId).Distinct().Count(), Is.EqualTo(250));
        Assert.That(members.Single(m => m.ClientId == "member-42").Data, Is.EqualTo("data-42"));
        var syncFrames = _emulator.GetFrames(late.Connection.Id!).Count(f => f.Action == 16);
        Assert.That(syncFrames, Is.GreaterThanOrEqualTo(3), "250 members at 100 a page take at least three SYNC frames");
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTP17i_ForgottenConnection_ReentersAutomatically_AndStaysPresentThroughout(string format)
    {
        var channel = Unique("reenter");
        var observer = await Connect(format, "observer");
        var alice = await Connect(format, "alice");
        var observed = observer.Channels.Get(channel).Presence;
        var aliceChannel = alice.Channels.Get(channel);
        await aliceChannel.Presence.EnterAsync("still here").WaitAsync(Wait);
        await observed.Members.FirstAsync(set => set.Any(m => m.ClientId == "alice")).ToTask().WaitAsync(Wait);

        var sets = new List<IReadOnlyList<PresenceMessage>>();
        using var recording = observed.Members.Subscribe(set => { lock (sets) { sets.Add(set); } });
        var oldConnectionId = alice.Connection.Id!;
        var failedResume = alice.Connection.StateChanges
            .FirstAsync(c => c.Current == ConnectionState.Connected && c.Previous != ConnectionState.Initialized && c.Reason is not null)
            .ToTask();

        Assert.That(_emulator.Faults.ForgetConnection(oldConnectionId, dropTransport: true), Is.True);
        var reconnected = await failedResume.WaitAsync(Wait);
        Assert.That(reconnected.Reason!.Code, Is.EqualTo(ErrorCodes.UnableToRecoverConnection));
        var newConnectionId = alice.Connection.Id!;
        Assert.That(newConnectionId, Is.Not.EqualTo(oldConnectionId));

        // The re-entered member (new connection) appears without user code, and the old one is eventually removed.
        await observed.Members
            .FirstAsync(set => set.Any(m => m.ClientId == "alice" && m.ConnectionId == newConnectionId)
                && set.All(m => m.ConnectionId != oldConnectionId))
            .ToTask().WaitAsync(Wait);

        lock (sets)
        {
            Assert.That(sets, Is.Not.Empty);
            Assert.That(sets.All(set => set.Any(m => m.ClientId == "alice")), Is.True,
                "alice is present in every member set the observer saw: " + string.Join(" | ", sets.Select(Describe)));
        }

        var member = (await observed.GetAsync(clientId: "alice").WaitAsync(Wait)).Single();
        Assert.That(member.Data, Is.EqualTo("still here"));
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTP12_PresenceHistory_ListsEnterUpdateAndLeave_DecryptedWithTheChannelCipher(string format)
    {
        var channel = Unique("history");
        var cipher = new ChannelOptions { Cipher = new CipherParams(CipherParams.GenerateRandomKey()) };
        var client = await Connect(format, "historian");
        var presence = client.Channels.Get(channel, cipher).Presence;
        await presence.EnterAsync("first").WaitAsync(Wait);
        await presence.UpdateAsync("second").WaitAsync(Wait);
        await presence.LeaveAsync("last").WaitAsync(Wait);

        var page = await presence.HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Forwards }).WaitAsync(Wait);

        Assert.That(page.Items.Select(m => m.Action), Is.EqualTo(new[] { PresenceAction.Enter, PresenceAction.Update, PresenceAction.Leave }));
        Assert.That(page.Items.Select(m => m.Data), Is.EqualTo(new[] { "first", "second", "last" }), "decrypted with the channel's cipher");
        Assert.That(page.Items.All(m => m.Encoding is null), Is.True);
    }

    [TestCaseSource(nameof(Formats))]
    public async Task RTP8e_RTP9a_RTP10a_DataAndExtras_ReachOtherClients_EncodedAndDecoded(string format)
    {
        var channel = Unique("extras");
        var cipher = new ChannelOptions { Cipher = new CipherParams(CipherParams.GenerateRandomKey()) };
        var member = (await Connect(format, "carol")).Channels.Get(channel, cipher).Presence;
        var observer = (await Connect(format, "dave")).Channels.Get(channel, cipher).Presence;
        static JObject Extras(string value) => new() { ["headers"] = new JObject { ["step"] = value } };

        await member.EnterAsync(new JObject { ["mood"] = "calm" }, Extras("enter")).WaitAsync(Wait);
        var seen = (await observer.GetAsync(clientId: "carol").WaitAsync(Wait)).Single();
        Assert.That(JToken.DeepEquals(seen.Extras, Extras("enter")), Is.True, "extras as entered");
        Assert.That(JToken.DeepEquals(seen.Data as JToken, new JObject { ["mood"] = "calm" }), Is.True, "data encrypted, then decrypted and parsed");
        Assert.That(seen.Encoding, Is.Null);

        await member.UpdateAsync("updated", Extras("update")).WaitAsync(Wait);
        await member.LeaveAsync(null, Extras("leave")).WaitAsync(Wait);
        var page = await observer.HistoryAsync(new HistoryQuery { Direction = PaginationDirection.Forwards }).WaitAsync(Wait);

        Assert.That(page.Items.Select(m => m.Action), Is.EqualTo(new[] { PresenceAction.Enter, PresenceAction.Update, PresenceAction.Leave }));
        Assert.That(page.Items.Select(m => (string?)m.Extras?["headers"]?["step"]), Is.EqualTo(new[] { "enter", "update", "leave" }));
    }

    [Test]
    public async Task RTP15_EnterClientWithExtras_OnBehalfOfAnotherClient()
    {
        var channel = Unique("extras-client");
        var host = await Connect("json", clientId: null);
        var presence = host.Channels.Get(channel).Presence;

        await presence.EnterClientAsync("erin", "here", new JObject { ["tag"] = "x" }).WaitAsync(Wait);

        var member = (await presence.GetAsync(clientId: "erin").WaitAsync(Wait)).Single();
        Assert.That((string?)member.Extras?["tag"], Is.EqualTo("x"));
        Assert.That(member.Data, Is.EqualTo("here"));
    }

    private async Task<AblyRealtime> Connect(string format, string? clientId)
    {
        var client = new AblyRealtime(new ClientOptions
        {
            Key = _emulator.DefaultKey,
            ClientId = clientId,
            Endpoint = "127.0.0.1",
            Port = _emulator.Port,
            Tls = false,
            AllowInsecureBasicAuth = true,
            UseBinaryProtocol = format == "msgpack",
        });
        _clients.Add(client);
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        return client;
    }

    private static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    private static string Describe(IEnumerable<PresenceMessage> set) =>
        string.Join(",", set.OrderBy(m => m.ClientId, StringComparer.Ordinal).Select(m => m.ClientId + "=" + m.Data));
}
