using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Options;

[TestFixture]
public sealed class ClientOptionsForEmulatorTests
{
    private const string Key = "appId.keyId:secret";

    [Test]
    public void PlainHttp_SetsLiteralEndpointPortNoTlsNoFallbacks_AndAllowsBasicAuth()
    {
        var options = ClientOptions.ForEmulator(new Uri("http://127.0.0.1:8080"), Key);

        Assert.That(options.Key, Is.EqualTo(Key));
        Assert.That(options.Endpoint, Is.EqualTo("127.0.0.1"));
        Assert.That(options.Port, Is.EqualTo(8080));
        Assert.That(options.Tls, Is.False);
        Assert.That(options.FallbackHosts, Is.Empty);
        Assert.That(options.AllowInsecureBasicAuth, Is.True);
    }

    [TestCase("https://localhost:8443", "localhost", 8443)]
    [TestCase("wss://127.0.0.2:9443/", "127.0.0.2", 9443)]
    public void Tls_UsesTheTlsPort_AndKeepsBasicAuthOverTlsOnly(string url, string host, int port)
    {
        var options = ClientOptions.ForEmulator(url, Key);

        Assert.That(options.Endpoint, Is.EqualTo(host));
        Assert.That(options.Tls, Is.True);
        Assert.That(options.TlsPort, Is.EqualTo(port));
        Assert.That(options.AllowInsecureBasicAuth, Is.False);
    }

    [Test]
    public void Ipv6Loopback_IsAnEndpointWithoutBrackets()
    {
        var options = ClientOptions.ForEmulator("ws://[::1]:7000", Key);

        Assert.That(options.Endpoint, Is.EqualTo("::1"));
        Assert.That(options.Port, Is.EqualTo(7000));
    }

    [TestCase("127.0.0.1:8080")]
    [TestCase("ftp://127.0.0.1:8080")]
    [TestCase("http://127.0.0.1:8080/prefix")]
    [TestCase("http://127.0.0.1:8080/?key=x")]
    [TestCase("http://user:pw@127.0.0.1:8080")]
    [TestCase("http://emulator:8080")]
    [TestCase("not a url")]
    public void NotABaseUrlWithALiteralHost_Fails40003(string url)
    {
        var ex = Assert.Throws<AblyException>(() => ClientOptions.ForEmulator(url, Key));
        Assert.That(ex!.ErrorInfo.Code, Is.EqualTo(ErrorCodes.InvalidParameterValue));
    }

    [TestCase("")]
    [TestCase("no-colon")]
    [TestCase(":secret")]
    [TestCase("appId.keyId:")]
    public void MalformedKey_Fails40005(string key)
    {
        var ex = Assert.Throws<AblyException>(() => ClientOptions.ForEmulator("http://127.0.0.1:8080", key));
        Assert.That(ex!.ErrorInfo.Code, Is.EqualTo(ErrorCodes.InvalidKey));
        Assert.That(ex.Message, Does.Not.Contain("no-colon"), "the key is never echoed");
    }

    [Test]
    public void NullArguments_AreRejected()
    {
        Assert.Throws<ArgumentNullException>(() => ClientOptions.ForEmulator((Uri)null!, Key));
        Assert.Throws<ArgumentNullException>(() => ClientOptions.ForEmulator((string)null!, Key));
        Assert.Throws<ArgumentNullException>(() => ClientOptions.ForEmulator("http://127.0.0.1:1", null!));
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task OneCall_ReachesTheInProcessEmulator_OverRestAndRealtime(bool tls)
    {
        await using var emulator = await AblyEmulator.StartAsync(new EmulatorOptions { Tls = tls, StrictBasicAuth = tls }).WaitAsync(TimeSpan.FromSeconds(30));
        var options = ClientOptions.ForEmulator(emulator.BaseUri, emulator.DefaultKey);
        if (tls)
        {
            // The emulator's certificate is self-signed: trust exactly that one, for REST and realtime.
            options = options with { TrustedServerCertificates = [emulator.Certificate!] };
        }

        await using var rest = new AblyRest(options);
        Assert.That(await rest.TimeAsync(), Is.Not.EqualTo(default(DateTimeOffset)));

        await using var realtime = new AblyRealtime(options);
        await realtime.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(30));
        var channel = realtime.Channels.Get("for-emulator");
        var received = new TaskCompletionSource<Message>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = channel.Messages().Subscribe(m => received.TrySetResult(m), e => received.TrySetException(e));
        await channel.WaitForStateAsync(ChannelState.Attached, TimeSpan.FromSeconds(30));
        await channel.PublishAsync("greeting", "hello");
        var message = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(message.Data, Is.EqualTo("hello"));
    }
}
