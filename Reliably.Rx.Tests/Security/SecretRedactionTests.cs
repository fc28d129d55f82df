using Reliably.Rx.Emulator;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Security;

/// <summary>
/// Keys, tokens, token request MACs and cipher keys appear in no ToString(), no exception or ErrorInfo message and no
/// log line at Trace, also when things fail: a refused connection with the key or the token in its URL, a wrong secret,
/// a revoked token, a payload that cannot be decrypted.
/// </summary>
[TestFixture]
[Category("Security")]
[NonParallelizable]
public sealed class SecretRedactionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private static readonly byte[] CipherKey = Enumerable.Range(0, 32).Select(i => (byte)(0xA0 + i)).ToArray();

    private AblyEmulator _emulator = null!;

    [OneTimeSetUp]
    public async Task Start() => _emulator = await AblyEmulator.StartAsync().WaitAsync(Wait);

    [OneTimeTearDown]
    public async Task Stop() => await _emulator.DisposeAsync();

    private string Secret => _emulator.DefaultKey.Split(':')[1];

    private static IEnumerable<string> CipherKeyForms() =>
        [Convert.ToBase64String(CipherKey), Convert.ToHexString(CipherKey), Convert.ToHexString(CipherKey).ToLowerInvariant(), string.Join(", ", CipherKey)];

    private static void AssertClean(IEnumerable<string> texts, IEnumerable<string> secrets)
    {
        var secretList = secrets.Where(s => !string.IsNullOrEmpty(s)).ToList();
        foreach (var text in texts)
        {
            foreach (var secret in secretList)
            {
                Assert.That(text, Does.Not.Contain(secret), $"a secret appears in: {text}");
            }
        }
    }

    [Test]
    public async Task ToString_of_options_tokens_requests_and_ciphers_shows_no_secret()
    {
        using var issuer = new AblyRest(ClientOptions.ForEmulator(_emulator.BaseUri, _emulator.DefaultKey));
        var token = await issuer.Auth.RequestTokenAsync().WaitAsync(Wait);
        var request = await issuer.Auth.CreateTokenRequestAsync().WaitAsync(Wait);
        var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer header-secret-1" };
        var parameters = new Dictionary<string, string> { ["password"] = "param-secret-2" };
        var options = ClientOptions.ForEmulator(_emulator.BaseUri, _emulator.DefaultKey) with
        {
            Token = token.Token,
            TokenDetails = token,
            AuthHeaders = headers,
            AuthParams = parameters,
        };
        var texts = new[]
        {
            options.ToString(),
            AuthOptions.From(options).ToString(),
            (AuthOptions.From(options) with { AuthHeaders = headers, AuthParams = parameters }).ToString(),
            token.ToString(),
            request.ToString(),
            new CipherParams(CipherKey).ToString(),
            new ChannelOptions { Cipher = new CipherParams(CipherKey) }.ToString(),
        };
        TestContext.Progress.WriteLine("[redaction] " + string.Join("\n[redaction] ", texts));

        AssertClean(texts, [Secret, token.Token, request.Mac, "header-secret-1", "param-secret-2", .. CipherKeyForms()]);
        Assert.That(texts[0], Does.Contain(_emulator.DefaultKey.Split(':')[0]), "the key name still identifies the key");
        Assert.That(texts[0], Does.Contain("Endpoint = 127.0.0.1"), "the other options still print");
    }

    [Test]
    public async Task Failures_report_no_secret_in_messages_exceptions_or_trace_logs()
    {
        var logs = new RecordingLoggerFactory();
        var texts = new List<string>();
        using var issuer = new AblyRest(ClientOptions.ForEmulator(_emulator.BaseUri, _emulator.DefaultKey));
        var token = await issuer.Auth.RequestTokenAsync().WaitAsync(Wait);
        using var closedPort = LoopbackPorts.ReserveClosed();

        // The key (Basic over plain HTTP, and in the realtime URL) and the token (in the realtime URL), to a closed port
        // (held closed for the whole test: a port found free and released could be taken by another listener meanwhile).
        var keyToNowhere = ClientOptions.ForEmulator(new Uri($"http://127.0.0.1:{closedPort.Port}/"), _emulator.DefaultKey) with { LoggerFactory = logs, HttpMaxRetryCount = 0 };
        var tokenToNowhere = keyToNowhere with { Key = null, Token = token.Token };
        foreach (var options in new[] { keyToNowhere, tokenToNowhere })
        {
            await using var realtime = new AblyRealtime(options);
            var disconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var watch = realtime.Connection.StateChanges.Subscribe(c =>
            {
                lock (texts)
                {
                    texts.Add(c.ToString() ?? string.Empty);
                    texts.Add(c.Reason?.ToString() ?? string.Empty);
                }

                if (c.Current == ConnectionState.Disconnected)
                {
                    disconnected.TrySetResult();
                }
            });
            await disconnected.Task.WaitAsync(Wait);
            await using var rest = new AblyRest(options);
            texts.Add(Assert.ThrowsAsync<AblyException>(async () => await rest.TimeAsync().WaitAsync(Wait))!.ToString());
            texts.Add(Assert.ThrowsAsync<AblyException>(async () => await rest.Channels.Get("x").PublishAsync("n", "d").WaitAsync(Wait))!.ToString());
        }

        // A wrong secret, and a revoked token, against the live server.
        var wrongSecret = _emulator.DefaultKey.Split(':')[0] + ":WrongSecretValue123";
        await using (var rest = new AblyRest(ClientOptions.ForEmulator(_emulator.BaseUri, wrongSecret) with { LoggerFactory = logs }))
        {
            texts.Add(Assert.ThrowsAsync<AblyException>(async () => await rest.Channels.Get("x").PublishAsync("n", "d").WaitAsync(Wait))!.ToString());
        }

        await using (var realtime = new AblyRealtime(ClientOptions.ForEmulator(_emulator.BaseUri, wrongSecret) with { LoggerFactory = logs }))
        {
            var failed = Assert.ThrowsAsync<AblyException>(async () => await realtime.Connection.WaitForStateAsync(ConnectionState.Connected, Wait));
            texts.Add(failed!.ToString());
            texts.Add(realtime.Connection.ErrorReason?.ToString() ?? string.Empty);
        }

        // Encrypted messages that the receiver cannot decrypt (another key): the failure is reported, the keys are not.
        // The sender's IV is fixed so that the wrong key fails the padding check on every run, not 255 runs in 256.
        var name = "redaction-" + Guid.NewGuid().ToString("N")[..8];
        var otherKey = CipherKey.Reverse().ToArray();
        await using (var receiver = new AblyRealtime(ClientOptions.ForEmulator(_emulator.BaseUri, _emulator.DefaultKey) with { LoggerFactory = logs, Token = token.Token, Key = null }))
        await using (var sender = new AblyRealtime(ClientOptions.ForEmulator(_emulator.BaseUri, _emulator.DefaultKey) with { LoggerFactory = logs }))
        {
            var inbound = receiver.Channels.Get(name, new ChannelOptions { Cipher = new CipherParams(otherKey) });
            var got = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
            using var errors = inbound.SubscriberErrors.Subscribe(e => texts.Add(e.ToString()));
            using var s = inbound.Messages().Subscribe(m => got.TrySetResult(m));
            await inbound.WaitForStateAsync(ChannelState.Attached, Wait);
            await sender.Channels.Get(name, new ChannelOptions { Cipher = new CipherParams(CipherKey) { FixedIv = new byte[16] } }).PublishAsync("enc", "payload").WaitAsync(Wait);
            var message = await got.Task.WaitAsync(Wait);
            texts.Add(message.ToString());
            Assert.That(message.Encoding, Does.Contain("cipher"), "not decrypted with the wrong key (RSL6b)");
        }

        texts.AddRange(logs.Lines);
        TestContext.Progress.WriteLine($"[redaction] {texts.Count} messages and log lines checked");
        Assert.That(logs.Lines, Is.Not.Empty);
        AssertClean(texts, [Secret, "WrongSecretValue123", token.Token, .. CipherKeyForms(), Convert.ToBase64String(otherKey), Convert.ToHexString(otherKey)]);
    }
}
