using Reliably.Rx.Auth;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>Token errors and re-authentication (RTN14b, RTN15h, RTN22, RTC8, RSA4c, RSA4d).</summary>
[TestFixture]
public sealed class ConnectionAuthTests
{
    private static ProtocolMessage TokenError(ProtocolAction action, int code = 40142) =>
        new(action) { Error = new ErrorInfo(code, 401, "Token expired") };

    [Test]
    public async Task RTN14b_token_error_while_connecting_renews_once_and_reconnects_at_once()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        h.Connection.Connect();
        h.Pump();
        Assert.That(h.Transport.Param("accessToken"), Is.EqualTo("token-1"));
        h.Transport.Open().ReceiveAndClose(TokenError(ProtocolAction.Error));
        h.Pump();

        Assert.That(h.Auth.RenewCalls, Is.EqualTo(1));
        Assert.That(h.Transports.Created, Has.Count.EqualTo(2));
        Assert.That(h.Transport.Param("accessToken"), Is.EqualTo("token-2"));
        Assert.That(h.Sink.States, Is.EqualTo(new[] { ConnectionState.Connecting }), "still CONNECTING");
        h.Transport.Connected();
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task RTN14b_a_second_token_error_goes_DISCONNECTED()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        h.Transports.OnConnect = t => t.Open().ReceiveAndClose(TokenError(ProtocolAction.Error));
        h.Connection.Connect();
        h.Pump(6);
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(40142));
        Assert.That(h.Auth.RenewCalls, Is.EqualTo(1));
    }

    /// <summary>Advances second by second to the next retry (RTN14d), before that attempt can time out.</summary>
    private static void AdvanceToRetry(RealtimeHarness h)
    {
        for (var s = 0; s < 60 && h.Connection.State != ConnectionState.Connecting; s++)
        {
            h.Advance(TimeSpan.FromSeconds(1));
            h.Pump();
        }
    }

    [Test]
    public async Task RTN14b_RTN14d_a_token_error_on_a_later_retry_renews_again()
    {
        // Each connection request renews once: a token that was renewed and then rejected as well (the server's clock ran
        // past its expiry, which the local clock cannot see) must not be offered for good on every later retry.
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        h.Connection.Connect();
        h.Pump();
        h.Transport.Open().ReceiveAndClose(TokenError(ProtocolAction.Error));
        h.Pump();
        h.Transport.Open().ReceiveAndClose(TokenError(ProtocolAction.Error));
        h.Pump();
        Assert.That((h.Connection.State, h.Auth.RenewCalls), Is.EqualTo((ConnectionState.Disconnected, 1)), "precondition: RTN14b");

        AdvanceToRetry(h);
        Assert.That(h.Transport.Param("accessToken"), Is.EqualTo("token-2"), "the retry offers the current token first");
        h.Transport.Open().ReceiveAndClose(TokenError(ProtocolAction.Error));
        h.Pump();

        Assert.That(h.Auth.RenewCalls, Is.EqualTo(2), "the retry's token error renews once more");
        Assert.That(h.Transport.Param("accessToken"), Is.EqualTo("token-3"));
        h.Transport.Connected();
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task RTN15h2_RTN14b_a_renewed_token_rejected_after_a_failed_resume_attempt_is_renewed_again()
    {
        // The chain of the long chaos runs: DISCONNECTED 40142 renews (RTN15h2); that attempt's transport is lost before
        // CONNECTED; the retry's token error (the server's clock has passed the renewed token's expiry) renews again,
        // however long ago the cycle's first renewal was.
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        var transport = h.ConnectNow("conn-1", "key-1");
        transport.ReceiveAndClose(TokenError(ProtocolAction.Disconnected));
        h.Pump();
        Assert.That((h.Auth.RenewCalls, h.Transport.Param("accessToken")), Is.EqualTo((1, "token-2")), "precondition: RTN15h2");
        h.Transport.Drop();
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Disconnected), "precondition: the attempt failed");

        for (var retry = 1; retry <= 2; retry++)
        {
            AdvanceToRetry(h);
            Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connecting), $"retry {retry}");
            h.Transport.Open().ReceiveAndClose(TokenError(ProtocolAction.Error));
            h.Pump();
            Assert.That(h.Auth.RenewCalls, Is.EqualTo(1 + retry), $"retry {retry}: its token error renews the token");
            Assert.That(h.Transport.Param("accessToken"), Is.EqualTo("token-" + (2 + retry)));
            h.Transport.Drop();
            h.Pump();
        }

        AdvanceToRetry(h);
        h.Transport.Connected("conn-1", "key-1");
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connected));
        Assert.That(h.Transport.Param("resume"), Is.EqualTo("key-1"), "still a resume (RTN15b)");
    }

    [Test]
    public async Task RTN14b_RSA4a2_token_error_without_means_to_renew_goes_FAILED_with_40171()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false, canRenew: false));
        h.Connection.Connect();
        h.Pump();
        h.Transport.Open().ReceiveAndClose(TokenError(ProtocolAction.Error, 40140));
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(40171), "RSA4a2: no means to renew");
        Assert.That(h.Connection.ErrorReason?.Cause?.Code, Is.EqualTo(40140), "the server's token error is the cause");
    }

    [Test]
    public async Task RTN15h1_RSA4a2_DISCONNECTED_with_token_error_and_no_means_to_renew_goes_FAILED_with_40171()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false, canRenew: false));
        var transport = h.ConnectNow();
        transport.ReceiveAndClose(TokenError(ProtocolAction.Disconnected));
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(40171), "RSA4a2: no means to renew");
        Assert.That(h.Connection.ErrorReason?.StatusCode, Is.EqualTo(401));
        Assert.That(h.Connection.ErrorReason?.Cause?.Code, Is.EqualTo(40142), "the server's token error is the cause");
    }

    [Test]
    public async Task RTN15h2_DISCONNECTED_with_token_error_renews_and_resumes()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        var transport = h.ConnectNow("conn-1", "key-1");
        transport.ReceiveAndClose(TokenError(ProtocolAction.Disconnected));
        h.Pump(1);
        Assert.That(h.Auth.RenewCalls, Is.EqualTo(1));
        Assert.That(h.Transport.Param("accessToken"), Is.EqualTo("token-2"));
        Assert.That(h.Transport.Param("resume"), Is.EqualTo("key-1"));
        h.Transport.Connected("conn-1", "key-1-renewed");
        h.Pump();
        Assert.That(h.Connection.Id, Is.EqualTo("conn-1"));
        Assert.That(h.Connection.Key, Is.EqualTo("key-1-renewed"));
    }

    [Test]
    public async Task RTN15h2_renewal_failure_goes_DISCONNECTED_with_the_reason()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        var transport = h.ConnectNow();
        h.Auth.FailNext = new AblyException(40170, 401, "authCallback failed");
        transport.ReceiveAndClose(TokenError(ProtocolAction.Disconnected));
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Disconnected));
        Assert.That(h.Connection.ErrorReason?.Code, Is.EqualTo(ErrorCodes.AuthCallbackFailed), "RSA4c: 80019 with the cause");
        Assert.That(h.Connection.ErrorReason?.Cause?.Code, Is.EqualTo(40170));
    }

    [Test]
    public async Task RSA4d_a_403_from_the_auth_callback_is_fatal()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        h.Auth.FailNext = new AblyException(40300, 403, "forbidden");
        h.Connection.Connect();
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Failed));
        Assert.That(h.Connection.ErrorReason?.StatusCode, Is.EqualTo(403));
    }

    [Test]
    public async Task RTN22_server_AUTH_reauthorizes_in_band_and_the_new_CONNECTED_emits_UPDATE()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        var transport = h.ConnectNow("conn-1", "key-1");
        transport.Receive(new ProtocolMessage(ProtocolAction.Auth));
        h.Pump();
        var auth = transport.SentOf(ProtocolAction.Auth).Single();
        Assert.That(auth.Auth?.AccessToken, Is.EqualTo("token-2"));

        transport.Receive(new ProtocolMessage(ProtocolAction.Connected) { ConnectionId = "conn-1", ConnectionDetails = new ConnectionDetails { ConnectionKey = "key-1" } });
        h.Pump();
        Assert.That(h.Sink.Changes.Last().Change.Event, Is.EqualTo(ConnectionEvent.Update));
        Assert.That(h.Transports.Created, Has.Count.EqualTo(1), "no reconnection");
    }

    [Test]
    public async Task RTC8a_authorize_on_a_live_connection_sends_AUTH_and_completes_on_the_UPDATE()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        var transport = h.ConnectNow();
        var authorize = h.Loop.ReauthorizeAsync(new AuthCredentials { Token = new TokenDetails("explicit") });
        h.Pump(1);
        Assert.That(transport.SentOf(ProtocolAction.Auth).Single().Auth?.AccessToken, Is.EqualTo("explicit"));
        Assert.That(authorize.IsCompleted, Is.False);
        transport.Receive(new ProtocolMessage(ProtocolAction.Connected) { ConnectionId = "conn-1", ConnectionDetails = new ConnectionDetails { ConnectionKey = "key-1" } });
        h.Pump(1);
        await authorize.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(h.Sink.Changes.Last().Change.Event, Is.EqualTo(ConnectionEvent.Update));
    }

    [Test]
    public async Task RTC8a2_authorize_rejected_by_the_server_faults_and_goes_FAILED()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        var transport = h.ConnectNow();
        var authorize = h.Loop.ReauthorizeAsync(new AuthCredentials { Token = new TokenDetails("other-client") });
        h.Pump(1);
        transport.ReceiveAndClose(new ProtocolMessage(ProtocolAction.Error) { Error = new ErrorInfo(40102, 401, "incompatible credentials") });
        h.Pump(1);
        var ex = Assert.ThrowsAsync<AblyException>(async () => await authorize.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.That(ex!.Code, Is.EqualTo(40102));
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Failed));
    }

    [Test]
    public async Task RTC8c_authorize_while_disconnected_connects_with_the_new_token()
    {
        await using var h = new RealtimeHarness(auth: new FakeAuthProvider(basic: false));
        var authorize = h.Loop.ReauthorizeAsync(new AuthCredentials { Token = new TokenDetails("explicit") });
        h.Pump();
        Assert.That(h.Connection.State, Is.EqualTo(ConnectionState.Connecting));
        h.Transport.Connected();
        h.Pump();
        await authorize.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Test]
    public async Task RSC18_basic_auth_without_TLS_is_refused_with_40103()
    {
        await using var h = new RealtimeHarness(o => o with { Tls = false, AllowInsecureBasicAuth = true });
        var ex = Assert.Throws<AblyException>(() => _ = new AblyRealtime(new ClientOptions("appId.keyId:secret") { Tls = false, AutoConnect = false }));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InsecureBasicAuth));
    }
}
