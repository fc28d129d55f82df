using System.Net;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Rest;

public sealed class OptionsTests
{
    [Test]
    public async Task StrictBasicAuth_Rejects40103_OverPlainHttpAndWs()
    {
        await using var emulator = await AblyEmulator.StartAsync(new EmulatorOptions { StrictBasicAuth = true });
        using var http = Http.Client(emulator.BaseUri, emulator.DefaultKey);
        var response = await http.GetAsync("/channels/x/messages");
        Assert.That((int)response.StatusCode, Is.EqualTo(401));
        Assert.That((await Http.ReadAsync(response))["error"]!.Value<int>("code"), Is.EqualTo(40103));

        await using var ws = await WsClient.ConnectWithKeyAsync(emulator.BaseUri, emulator.DefaultKey);
        var error = await ws.ReceiveActionAsync(Frames.Error);
        Assert.That(error["error"]!.Value<int>("code"), Is.EqualTo(40103));
    }

    [Test]
    public async Task Tls_ServesHttpsAndWss_WithGeneratedCertificate()
    {
        await using var emulator = await AblyEmulator.StartAsync(new EmulatorOptions { Tls = true, StrictBasicAuth = true });
        Assert.That(emulator.BaseUri.Scheme, Is.EqualTo("https"));
        Assert.That(emulator.Certificate, Is.Not.Null);
        using var http = Http.Client(emulator.BaseUri, emulator.DefaultKey);
        var response = await http.GetAsync("/channels/x/messages");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "basic auth is fine over TLS even in strict mode");

        await using var ws = await WsClient.ConnectWithKeyAsync(emulator.BaseUri, emulator.DefaultKey);
        await ws.ReceiveActionAsync(Frames.Connected);
    }

    [Test]
    public async Task FixedDefaultKey_AndPortZeroPicksAPort()
    {
        await using var emulator = await AblyEmulator.StartAsync(new EmulatorOptions { DefaultKey = "fixedApp.fixedKey:fixedSecret" });
        Assert.That(emulator.DefaultKey, Is.EqualTo("fixedApp.fixedKey:fixedSecret"));
        Assert.That(emulator.Port, Is.GreaterThan(0));
        Assert.That(emulator.BaseUri, Is.EqualTo(new Uri("http://127.0.0.1:" + emulator.Port)));
    }

    [Test]
    public void NonLoopbackAddress_IsRejected()
    {
        Assert.ThrowsAsync<ArgumentException>(() => AblyEmulator.StartAsync(new EmulatorOptions { Addresses = [IPAddress.Parse("10.0.0.1")] }));
    }
}
