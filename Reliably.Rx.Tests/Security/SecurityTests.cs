using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Reliably.Rx.Emulator;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Security;

/// <summary>
/// Secrets never reach the logs, Basic auth is refused over plain connections, capability denials stay on their
/// channel, and short-lived tokens are renewed under load without losing a message. Against the in-process emulator.
/// </summary>
[TestFixture]
[Category("Security")]
[NonParallelizable]
public sealed class SecurityTests
{
    private const string Marker = "PLAINTEXT-MARKER-7f3a";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RenewalCap = TimeSpan.FromSeconds(90);

    private AblyEmulator _emulator = null!;

    [OneTimeSetUp]
    public async Task Start() => _emulator = await AblyEmulator.StartAsync(new EmulatorOptions { ChannelHistoryLimit = 50_000 }).WaitAsync(Wait);

    [OneTimeTearDown]
    public async Task Stop() => await _emulator.DisposeAsync();

    [TearDown]
    public void ResetFaults() => _emulator.Faults.Reset();

    private ClientOptions Options(string? key = null, bool msgpack = true) => new()
    {
        Key = key ?? _emulator.DefaultKey,
        Endpoint = "127.0.0.1",
        Port = _emulator.Port,
        Tls = false,
        AllowInsecureBasicAuth = true,
        UseBinaryProtocol = msgpack,
        DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>Token auth via an authCallback that asks the emulator for tokens of the given TTL; records every token.</summary>
    private ClientOptions TokenOptions(AblyRest issuer, ConcurrentBag<string> tokens, TimeSpan ttl, ILoggerFactory? logs = null, bool msgpack = true) => new()
    {
        Endpoint = "127.0.0.1",
        Port = _emulator.Port,
        Tls = false,
        UseBinaryProtocol = msgpack,
        LoggerFactory = logs,
        DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(500),
        AuthCallback = async (_, ct) =>
        {
            var token = await issuer.Auth.RequestTokenAsync(new TokenParams { Ttl = ttl }, cancellationToken: ct);
            tokens.Add(token.Token);
            return token;
        },
    };

    [Test]
    public async Task No_key_secret_token_or_decrypted_payload_appears_in_any_log_line()
    {
        var logs = new RecordingLoggerFactory();
        var tokens = new ConcurrentBag<string>();
        var secret = _emulator.DefaultKey.Split(':')[1];
        using var issuer = new AblyRest(Options() with { LoggerFactory = logs });
        var cipherKey = CipherParams.GenerateRandomKey();
        var cipher = new ChannelOptions { Cipher = new CipherParams(cipherKey), AutoBackfill = true };
        var name = "secure-" + Guid.NewGuid().ToString("N")[..8];

        await using var keyClient = new AblyRealtime(Options(msgpack: false) with { LoggerFactory = logs });
        await using var tokenClient = new AblyRealtime(TokenOptions(issuer, tokens, TimeSpan.FromSeconds(4), logs));
        await keyClient.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        await tokenClient.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);

        var inbound = keyClient.Channels.Get(name, cipher);
        var received = new ConcurrentQueue<string>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int total = 600;
        using var s = inbound.Messages().Subscribe(m =>
        {
            received.Enqueue((string)m.Data!);
            if (received.Count >= total)
            {
                all.TrySetResult();
            }
        });
        await inbound.WaitForStateAsync(ChannelState.Attached, Wait);
        var outbound = tokenClient.Channels.Get(name, cipher);

        // Publish while faults fire so the error, resume and renewal paths log too (token TTL 4 s: renewals happen).
        for (var i = 0; i < total; i += 20)
        {
            await outbound.PublishAsync(Enumerable.Range(i, 20).Select(n => new Message("m", Marker + "-" + n.ToString(CultureInfo.InvariantCulture))).ToList()).WaitAsync(Wait);
            switch (i / 20 % 6)
            {
                case 1 when keyClient.Connection.Id is { } id:
                    _emulator.Faults.DropConnection(id);
                    break;
                case 3 when keyClient.Connection.Id is { } id:
                    _emulator.Faults.ForgetConnection(id, dropTransport: true);
                    break;
                case 5 when tokenClient.Connection.Id is { } id:
                    _emulator.Faults.ExpireConnectionToken(id);
                    break;
            }

            if (i % 200 == 0)
            {
                var nack = tokenClient.Connection.Id;
                _emulator.Faults.NackNextPublishes(1, new EmulatorError(50001, 500, "security nack"), nack);
                try
                {
                    await outbound.PublishAsync("nacked", Marker + "-nacked").WaitAsync(Wait);
                }
                catch (AblyException)
                {
                    // Expected: the NACK's path is logged too.
                }
            }
        }

        await all.Task.WaitAsync(Wait);
        await tokenClient.Connection.CloseAsync().WaitAsync(Wait);

        var lines = logs.Lines.ToList();
        TestContext.Progress.WriteLine($"[security] {lines.Count} log lines at Trace, {tokens.Count} tokens issued, {received.Count} encrypted messages decrypted");
        Assert.That(lines, Is.Not.Empty, "logging was on");
        Assert.That(tokens, Is.Not.Empty);
        Assert.That(received, Has.Some.StartsWith(Marker), "the payloads were decrypted, so the plaintext existed in the process");
        foreach (var line in lines)
        {
            Assert.That(line, Does.Not.Contain(secret), "key secret in: " + line);
            Assert.That(line, Does.Not.Contain(Marker), "decrypted payload in: " + line);
            Assert.That(line, Does.Not.Contain(Convert.ToBase64String(cipherKey)).And.Not.Contain(Convert.ToHexString(cipherKey)).IgnoreCase, "cipher key in: " + line);
            foreach (var token in tokens)
            {
                Assert.That(line, Does.Not.Contain(token), "token in: " + line);
            }
        }
    }

    [Test]
    public void Basic_auth_over_a_plain_connection_is_refused_with_40103_unless_allowed()
    {
        var insecure = Options() with { AllowInsecureBasicAuth = false };
        var rest = Assert.Throws<AblyException>(() => new AblyRest(insecure).Dispose());
        Assert.That(rest!.ErrorInfo.Code, Is.EqualTo(ErrorCodes.InsecureBasicAuth));
        var realtime = Assert.ThrowsAsync<AblyException>(async () => await new AblyRealtime(insecure with { AutoConnect = false }).DisposeAsync());
        Assert.That(realtime!.ErrorInfo.Code, Is.EqualTo(ErrorCodes.InsecureBasicAuth));

        // Token auth over a plain connection is fine, and the explicit opt-in allows Basic for a local emulator.
        Assert.DoesNotThrow(() => new AblyRest(insecure with { UseTokenAuth = true }).Dispose());
        Assert.DoesNotThrow(() => new AblyRest(insecure with { AllowInsecureBasicAuth = true }).Dispose());
    }

    [Test]
    public async Task A_capability_denial_fails_only_its_own_channel_and_the_connection_stays_connected()
    {
        var app = _emulator.CreateApp("{\"allowed:*\":[\"*\"]}");
        await using var client = new AblyRealtime(Options(app.Keys[0].KeyString));
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var allowed = client.Channels.Get("allowed:one");
        var denied = client.Channels.Get("denied-one");
        var connectionChanges = new List<ConnectionStateChange>();
        using var watch = client.Connection.StateChanges.Subscribe(c => { lock (connectionChanges) { connectionChanges.Add(c); } });
        await allowed.AttachAsync().WaitAsync(Wait);

        var attach = Assert.ThrowsAsync<AblyException>(async () => await denied.AttachAsync().WaitAsync(Wait));
        Assert.That(attach!.ErrorInfo.Code, Is.EqualTo(40160));
        Assert.That(denied.State, Is.EqualTo(ChannelState.Failed));
        Assert.That(denied.ErrorReason?.Code, Is.EqualTo(40160));

        // A publish to a channel this client never attached is NACKed with 40160.
        var publish = Assert.ThrowsAsync<AblyException>(async () => await client.Channels.Get("denied-two").PublishAsync("x", "y").WaitAsync(Wait));
        Assert.That(publish!.ErrorInfo.Code, Is.EqualTo(40160));

        await allowed.PublishAsync("still", "fine").WaitAsync(Wait);
        Assert.That(allowed.State, Is.EqualTo(ChannelState.Attached));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(client.Connection.ErrorReason, Is.Null);
        lock (connectionChanges)
        {
            Assert.That(connectionChanges.Select(c => c.Current), Is.All.EqualTo(ConnectionState.Connected), "the connection never left CONNECTED");
        }
    }

    [Test]
    public async Task Short_lived_tokens_are_renewed_under_load_without_losing_a_message()
    {
        var tokens = new ConcurrentBag<string>();
        using var issuer = new AblyRest(Options());
        await using var publisherClient = new AblyRealtime(TokenOptions(issuer, tokens, TimeSpan.FromSeconds(2)));
        await using var subscriberClient = new AblyRealtime(TokenOptions(issuer, tokens, TimeSpan.FromSeconds(2), msgpack: false));
        var name = "renewal-" + Guid.NewGuid().ToString("N")[..8];
        var inbound = subscriberClient.Channels.Get(name, new ChannelOptions { AutoBackfill = true });
        var seen = new ConcurrentDictionary<int, int>();
        using var s = inbound.Messages().Subscribe(m => seen.AddOrUpdate(int.Parse(m.Name!, CultureInfo.InvariantCulture), 1, (_, n) => n + 1));
        var disconnects = new ConcurrentBag<int>();
        using var d1 = publisherClient.Connection.StateChanges.Subscribe(c => { if (c.Reason is { } r) { disconnects.Add(r.Code); } });
        using var d2 = subscriberClient.Connection.StateChanges.Subscribe(c => { if (c.Reason is { } r) { disconnects.Add(r.Code); } });
        await inbound.WaitForStateAsync(ChannelState.Attached, Wait);
        var outbound = publisherClient.Channels.Get(name);

        // Publish continuously until the two clients have renewed their 2-second tokens at least six times between them
        // (eight tokens issued). The end is the renewals, not a span of wall time or a message count: how many messages
        // fit into a token's life depends on the machine, and a fast machine used to reach the count before the renewals.
        var acked = new List<int>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; tokens.Count < 8 && started.Elapsed < RenewalCap; i += 10)
        {
            var batch = Enumerable.Range(i, 10).ToList();
            await outbound.PublishAsync(batch.Select(n => new Message(n.ToString(CultureInfo.InvariantCulture), "tick"))).WaitAsync(Wait);
            acked.AddRange(batch);
        }

        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (seen.Count < acked.Count && deadline.Elapsed < Wait)
        {
            await inbound.WaitForStateAsync(ChannelState.Attached, Wait);
            await subscriberClient.Connection.PingAsync().WaitAsync(Wait);
        }

        TestContext.Progress.WriteLine($"[security] token renewal: {acked.Count} acked, {seen.Count} delivered, {tokens.Count} tokens issued, reasons {string.Join(",", disconnects.Distinct())}");
        Assert.That(tokens.Count, Is.GreaterThanOrEqualTo(8), $"several renewals per client within {RenewalCap.TotalSeconds} s");
        Assert.That(seen.Keys.Order(), Is.EqualTo(acked), "every acknowledged message delivered");
        Assert.That(seen.Values, Is.All.EqualTo(1), "exactly once");
        Assert.That(publisherClient.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(subscriberClient.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }
}
