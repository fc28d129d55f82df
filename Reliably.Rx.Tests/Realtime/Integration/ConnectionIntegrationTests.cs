using System.Net.Http.Headers;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Realtime.Integration;

/// <summary>
/// The realtime connection over real WebSockets against the in-process emulator, with its fault injection. Waits are
/// event-driven (WaitForStateAsync, awaited tasks) with timeouts; nothing sleeps.
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class ConnectionIntegrationTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private AblyEmulator _emulator = null!;

    [OneTimeSetUp]
    public async Task StartEmulator() => _emulator = await AblyEmulator.StartAsync(new EmulatorOptions());

    [OneTimeTearDown]
    public async Task StopEmulator() => await _emulator.DisposeAsync();

    [TearDown]
    public void ResetFaults() => _emulator.Faults.Reset();

    private ClientOptions Options(bool binary = false) => new()
    {
        Key = _emulator.DefaultKey,
        Endpoint = "127.0.0.1",
        Port = _emulator.Port,
        Tls = false,
        AllowInsecureBasicAuth = true,
        UseBinaryProtocol = binary,
    };

    private static Task<PublishResult> Publish(AblyRealtime client, string channel, string name) =>
        client.Loop.SendAsync(new ProtocolMessage(ProtocolAction.Message, channel) { Messages = [new Message(name, "payload")] });

    [TestCase(false, TestName = "RTN2_connects_with_a_key_over_JSON")]
    [TestCase(true, TestName = "RTN2_connects_with_a_key_over_msgpack")]
    public async Task Connects_pings_publishes_and_closes(bool binary)
    {
        await using var client = new AblyRealtime(Options(binary));
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        Assert.That(client.Connection.Id, Is.Not.Null);
        Assert.That(_emulator.GetConnections().Any(c => c.ConnectionId == client.Connection.Id), Is.True);
        Assert.That(client.Connection.Details?.MaxMessageSize, Is.EqualTo(65536));

        var rtt = await client.Connection.PingAsync().WaitAsync(Wait);
        Assert.That(rtt, Is.GreaterThanOrEqualTo(TimeSpan.Zero));

        var result = await Publish(client, "it-basic-" + binary, "hello").WaitAsync(Wait);
        Assert.That(result?.Serials, Has.Length.EqualTo(1));

        await client.Connection.CloseAsync().WaitAsync(Wait);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Closed));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task RTN15c6_RTN19a_a_dropped_transport_is_resumed_and_none_of_1000_publishes_is_lost_or_duplicated(bool binary)
    {
        var channel = "it-resume-" + binary + "-" + Guid.NewGuid().ToString("N");
        await using var client = new AblyRealtime(Options(binary));
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var id = client.Connection.Id;
        var disconnected = client.Connection.WaitForStateAsync(ConnectionState.Disconnected, Wait);

        var publishes = new List<Task<PublishResult>>();
        for (var i = 0; i < 1000; i++)
        {
            publishes.Add(Publish(client, channel, "m" + i));
            if (i == 300)
            {
                Assert.That(_emulator.Faults.DropConnection(id!), Is.True);
            }
        }

        await disconnected;
        await Task.WhenAll(publishes).WaitAsync(TimeSpan.FromSeconds(60));
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        Assert.That(client.Connection.Id, Is.EqualTo(id), "resumed: same connectionId");

        await using var rest = new AblyRest(Options(binary));
        var names = new List<string?>();
        await foreach (var message in rest.Channels.Get(channel).History(new HistoryQuery { Limit = 1000 }))
        {
            names.Add(message.Name);
        }

        Assert.That(names, Has.Count.EqualTo(1000), "no duplicates");
        Assert.That(names.Distinct().Count(), Is.EqualTo(1000), "nothing lost");
    }

    [Test]
    public async Task RTN15c7_a_forgotten_connection_gives_a_failed_resume_with_a_new_id_and_80008()
    {
        await using var client = new AblyRealtime(Options());
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var id = client.Connection.Id!;
        var changes = new List<ConnectionStateChange>();
        var reconnected = new TaskCompletionSource<ConnectionStateChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = client.Connection.StateChanges.Subscribe(c =>
        {
            lock (changes)
            {
                changes.Add(c);
            }

            if (c.Current == ConnectionState.Connected && c.Previous == ConnectionState.Connecting && changes.Count > 1)
            {
                reconnected.TrySetResult(c);
            }
        });

        var pending = Publish(client, "it-forget", "before-drop");
        _emulator.Faults.ForgetConnection(id, dropTransport: true);
        var change = await reconnected.Task.WaitAsync(Wait);

        Assert.That(client.Connection.Id, Is.Not.EqualTo(id));
        Assert.That(change.Reason?.Code, Is.EqualTo(ErrorCodes.UnableToRecoverConnection));
        Assert.That(client.Connection.ErrorReason?.Code, Is.EqualTo(ErrorCodes.UnableToRecoverConnection));
        await pending.WaitAsync(Wait);
    }

    [Test]
    public async Task RTN15h2_DISCONNECTED_40142_renews_the_token_through_the_authCallback_and_resumes()
    {
        var calls = 0;
        using var http = new HttpClient();
        var options = Options() with
        {
            Key = null,
            AllowInsecureBasicAuth = false,
            AuthCallback = async (_, ct) =>
            {
                Interlocked.Increment(ref calls);
                return await RequestTokenAsync(http, ct);
            },
        };
        await using var client = new AblyRealtime(options);
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var id = client.Connection.Id!;
        var disconnected = client.Connection.WaitForStateAsync(ConnectionState.Disconnected, Wait);

        Assert.That(_emulator.Faults.ExpireConnectionToken(id), Is.True);
        var change = await disconnected;
        Assert.That(change.Reason?.Code, Is.EqualTo(40142));
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        Assert.That(client.Connection.Id, Is.EqualTo(id));
        Assert.That(calls, Is.EqualTo(2));
    }

    [Test]
    public async Task RTN22_a_server_AUTH_reauthenticates_without_dropping()
    {
        var calls = 0;
        using var http = new HttpClient();
        var options = Options() with
        {
            Key = null,
            AuthCallback = async (_, ct) =>
            {
                Interlocked.Increment(ref calls);
                return await RequestTokenAsync(http, ct);
            },
        };
        await using var client = new AblyRealtime(options);
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var id = client.Connection.Id!;
        var update = new TaskCompletionSource<ConnectionStateChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        var states = new List<ConnectionState>();
        using var sub = client.Connection.StateChanges.Subscribe(c =>
        {
            states.Add(c.Current);
            if (c.Event == ConnectionEvent.Update)
            {
                update.TrySetResult(c);
            }
        });

        Assert.That(_emulator.Faults.RequestReauth(id), Is.True);
        await update.Task.WaitAsync(Wait);
        Assert.That(calls, Is.EqualTo(2));
        Assert.That(client.Connection.Id, Is.EqualTo(id));
        Assert.That(states, Is.All.EqualTo(ConnectionState.Connected), "never left CONNECTED");
    }

    [Test]
    public async Task RTC8a_Auth_AuthorizeAsync_on_a_live_connection_sends_AUTH_and_emits_UPDATE()
    {
        var calls = 0;
        using var http = new HttpClient();
        await using var client = new AblyRealtime(Options() with
        {
            Key = null,
            AuthCallback = async (_, ct) =>
            {
                Interlocked.Increment(ref calls);
                return await RequestTokenAsync(http, ct);
            },
        });
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var id = client.Connection.Id;
        var update = new TaskCompletionSource<ConnectionStateChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var sub = client.Connection.StateChanges.Subscribe(c =>
        {
            if (c.Event == ConnectionEvent.Update)
            {
                update.TrySetResult(c);
            }
        });

        var token = await client.Auth.AuthorizeAsync().WaitAsync(Wait);
        Assert.That(token.Token, Is.Not.Empty);
        await update.Task.WaitAsync(Wait);
        Assert.That(client.Connection.Id, Is.EqualTo(id));
        Assert.That(calls, Is.EqualTo(2));
    }

    [Test]
    public async Task RTN7b_a_NACK_faults_the_publish_with_its_error()
    {
        await using var client = new AblyRealtime(Options());
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        _emulator.Faults.NackNextPublishes(1, new EmulatorError(40160, 401, "not permitted here"), client.Connection.Id);
        var ex = Assert.ThrowsAsync<AblyException>(async () => await Publish(client, "it-nack", "nacked").WaitAsync(Wait));
        Assert.That(ex!.Code, Is.EqualTo(40160));
        Assert.That(await Publish(client, "it-nack", "acked").WaitAsync(Wait), Is.Not.Null);
    }

    [Test]
    public async Task RTN12f_close_while_connecting()
    {
        await using var client = new AblyRealtime(Options());
        await client.Connection.CloseAsync().WaitAsync(Wait);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Closed));
    }

    [Test]
    public async Task RTN15i_a_fatal_ERROR_gives_FAILED_with_the_reason()
    {
        await using var client = new AblyRealtime(Options());
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var failed = client.Connection.WaitForStateAsync(ConnectionState.Failed, Wait);
        _emulator.Faults.FailConnection(client.Connection.Id!, new EmulatorError(50010, 500, "injected fatal"));
        var change = await failed;
        Assert.That(change.Reason?.Code, Is.EqualTo(50010));
        Assert.That(client.Connection.ErrorReason?.Code, Is.EqualTo(50010));
    }

    [Test]
    public async Task RTN14g_a_wrong_secret_gives_FAILED()
    {
        var options = Options() with { Key = _emulator.DefaultKey[..(_emulator.DefaultKey.IndexOf(':') + 1)] + "wrong-secret" };
        await using var client = new AblyRealtime(options);
        var ex = Assert.ThrowsAsync<AblyException>(async () => await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait));
        Assert.That(ex!.Code, Is.EqualTo(40101));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Failed));
    }

    /// <summary>A token from the emulator's requestToken endpoint, as an app server would issue it.</summary>
    private async Task<object> RequestTokenAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var key = _emulator.DefaultKey;
        var keyName = key[..key.IndexOf(':')];
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_emulator.BaseUri, $"/keys/{Uri.EscapeDataString(keyName)}/requestToken"))
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(key)));
        using var response = await http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = JObject.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (string)body["token"]!;
    }
}
