using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Reliably.Rx.Emulator;
using Reliably.Rx.Security;

namespace Reliably.Rx.Tests.Security;

/// <summary>
/// TLS against the emulator's self-signed certificate: REST and realtime refuse it by default, accept it only when
/// that exact certificate is pinned with <see cref="ClientOptions.TrustedServerCertificates"/>, and still refuse a
/// server presenting another certificate.
/// </summary>
[TestFixture]
[Category("Security")]
[NonParallelizable]
public sealed class ServerCertificateTrustTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private AblyEmulator _emulator = null!;

    [OneTimeSetUp]
    public async Task Start() => _emulator = await AblyEmulator.StartAsync(new EmulatorOptions { Tls = true, StrictBasicAuth = true }).WaitAsync(Wait);

    [OneTimeTearDown]
    public async Task Stop() => await _emulator.DisposeAsync();

    private ClientOptions Options(RealtimeTransportKind transport = RealtimeTransportKind.WebsocketClient) => ClientOptions.ForEmulator(_emulator.BaseUri, _emulator.DefaultKey) with
    {
        DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(500),
        HttpMaxRetryCount = 0,
        RealtimeTransport = transport,
    };

    [TestCase(RealtimeTransportKind.WebsocketClient)]
    [TestCase(RealtimeTransportKind.ClientWebSocket)]
    public async Task A_self_signed_server_is_refused_over_REST_and_realtime_by_default(RealtimeTransportKind transport)
    {
        Assert.That(Options(transport).Tls, Is.True, "precondition: https");
        await using var rest = new AblyRest(Options(transport));
        var ex = Assert.ThrowsAsync<AblyException>(async () => await rest.TimeAsync().WaitAsync(Wait));
        TestContext.Progress.WriteLine($"[tls] REST refused: {ex!.ErrorInfo}");
        Assert.That(ex.ErrorInfo.Message, Does.Contain("certificate"), "the reason names the certificate");

        await AssertRealtimeRefusedAsync(Options(transport));
    }

    [TestCase(RealtimeTransportKind.WebsocketClient)]
    [TestCase(RealtimeTransportKind.ClientWebSocket)]
    public async Task Another_pinned_certificate_does_not_make_the_server_trusted(RealtimeTransportKind transport)
    {
        using var other = SelfSigned();
        var options = Options(transport) with { TrustedServerCertificates = [other] };
        await using var rest = new AblyRest(options);
        var ex = Assert.ThrowsAsync<AblyException>(async () => await rest.TimeAsync().WaitAsync(Wait));
        Assert.That(ex!.ErrorInfo.Message, Does.Contain("certificate"));

        await AssertRealtimeRefusedAsync(options);
    }

    [TestCase(RealtimeTransportKind.WebsocketClient)]
    [TestCase(RealtimeTransportKind.ClientWebSocket)]
    public async Task The_pinned_emulator_certificate_is_trusted_over_REST_and_realtime(RealtimeTransportKind transport)
    {
        var options = Options(transport) with { TrustedServerCertificates = [_emulator.Certificate!] };
        await using var rest = new AblyRest(options);
        Assert.That(await rest.TimeAsync().WaitAsync(Wait), Is.Not.EqualTo(default(DateTimeOffset)));
        await rest.Channels.Get("tls-rest").PublishAsync("over", "https").WaitAsync(Wait);

        await using var realtime = new AblyRealtime(options);
        await realtime.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        var channel = realtime.Channels.Get("tls-realtime");
        var received = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = channel.Messages().Subscribe(m => received.TrySetResult(m), e => received.TrySetException(e));
        await channel.WaitForStateAsync(ChannelState.Attached, Wait);
        await channel.PublishAsync("over", "wss").WaitAsync(Wait);
        Assert.That((await received.Task.WaitAsync(Wait)).Data, Is.EqualTo("wss"));
    }

    [Test]
    public void Pinning_cannot_be_combined_with_a_handler_factory_that_validates_by_itself()
    {
        var options = Options() with
        {
            TrustedServerCertificates = [_emulator.Certificate!],
            HttpMessageHandlerFactory = () => new HttpClientHandler(),
        };
        var ex = Assert.Throws<AblyException>(() => new AblyRest(options).Dispose());
        Assert.That(ex!.ErrorInfo.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
        Assert.Throws<AblyException>(() => new AblyRest(Options() with { TrustedServerCertificates = [null!] }).Dispose());
    }

    [Test]
    public void A_pinned_certificate_forgives_only_its_chain_never_a_name_mismatch_or_a_missing_certificate()
    {
        using var pinned = SelfSigned();
        using var other = SelfSigned();
        var callback = ServerCertificateTrust.Callback(ClientOptions.Default with { TrustedServerCertificates = [pinned] })!;
        Assert.That(ServerCertificateTrust.Callback(ClientOptions.Default), Is.Null, "no pins: the platform's validation as is");

        Assert.That(callback(this, other, null, SslPolicyErrors.None), Is.True, "what the platform trusts stays trusted");
        Assert.That(callback(this, pinned, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.True);
        Assert.That(callback(this, other, null, SslPolicyErrors.RemoteCertificateChainErrors), Is.False);
        Assert.That(callback(this, pinned, null, SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch), Is.False);
        Assert.That(callback(this, null, null, SslPolicyErrors.RemoteCertificateNotAvailable), Is.False);
    }

    private static async Task AssertRealtimeRefusedAsync(ClientOptions options)
    {
        await using var realtime = new AblyRealtime(options with { AutoConnect = false });
        var changes = new List<ConnectionStateChange>();
        var refused = new TaskCompletionSource<ConnectionStateChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = realtime.Connection.StateChanges.Subscribe(c =>
        {
            lock (changes)
            {
                changes.Add(c);
            }

            if (c.Current == ConnectionState.Disconnected)
            {
                refused.TrySetResult(c);
            }
        });
        realtime.Connection.Connect();
        var change = await refused.Task.WaitAsync(Wait);
        TestContext.Progress.WriteLine($"[tls] realtime refused: {change.Reason}");
        Assert.That(change.Reason?.Message, Does.Contain("certificate"), "the refusal names the certificate");
        lock (changes)
        {
            Assert.That(changes.Select(c => c.Current), Has.None.EqualTo(ConnectionState.Connected));
        }
    }

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Not.The.Emulator", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadCertificate(created.RawData);
    }
}
