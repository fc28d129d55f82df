using Reliably.Rx.Protocol;
using Reliably.Rx.Tests.Channels;
using Reliably.Rx.Tests.Realtime;

namespace Reliably.Rx.Tests.Hostile;

/// <summary>
/// A server error without a valid Ably code (0, negative, missing) never reaches the user as code 0: each place
/// substitutes the code of what happened, keeps the server's text and a valid HTTP status (so a 5xx still qualifies
/// for a fallback host, RTN17f).
/// </summary>
[TestFixture]
public sealed class ServerErrorCodeTests
{
    [Test]
    public async Task RTN15_a_DISCONNECTED_with_code_0_surfaces_80003_and_keeps_its_5xx_status_for_fallback()
    {
        await using var h = new RealtimeHarness(o => o with { Endpoint = "primary.example.com", FallbackHosts = ["fb1.example.com"] });
        var transport = h.ConnectNow();
        transport.ReceiveAndClose(new ProtocolMessage(ProtocolAction.Disconnected) { Error = new ErrorInfo(0, 503, "overloaded") });
        h.Pump(1);

        var reason = h.Sink.ChangesTo(ConnectionState.Disconnected).Single().Reason!;
        Assert.That(reason.Code, Is.EqualTo(ErrorCodes.Disconnected));
        Assert.That(reason.StatusCode, Is.EqualTo(503));
        Assert.That(reason.Message, Does.Contain("overloaded"));
        Assert.That(h.Transport.Uri.Host, Is.EqualTo("fb1.example.com"), "RTN17f: the 5xx still means another datacenter");
    }

    [Test]
    public async Task RTN7b_a_NACK_with_code_0_faults_the_publish_with_50000_and_the_server_text()
    {
        await using var h = new RealtimeHarness();
        var transport = h.ConnectNow();
        var publish = h.Publish();
        h.Pump(1);
        transport.Receive(new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = 0, Count = 1, Error = new ErrorInfo(0, 0, "rejected") });
        h.Pump(1);

        var ex = Assert.ThrowsAsync<AblyException>(async () => await publish);
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InternalError));
        Assert.That(ex.StatusCode, Is.EqualTo(500), "an invalid status is replaced too");
        Assert.That(ex.Message, Does.Contain("rejected"));
    }

    [Test]
    public async Task RTL13a_an_unsolicited_DETACHED_with_code_0_reattaches_with_90000_as_the_reason()
    {
        await using var c = new ChannelHarness();
        _ = c.AttachNow();
        c.Receive(new ProtocolMessage(ProtocolAction.Detached, c.Name) { Error = new ErrorInfo(-1, 400, "gone") });
        c.Pump();

        Assert.That(c.Channel.State, Is.EqualTo(ChannelState.Attaching));
        Assert.That(c.Channel.ErrorReason?.Code, Is.EqualTo(ErrorCodes.ChannelOperationFailed));
        Assert.That(c.Changes[^1].Reason?.Message, Does.Contain("gone"));
    }

    [Test]
    public async Task A_DETACHED_answering_a_detach_with_a_code_0_error_carries_90000()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var detach = c.Channel.DetachAsync();
        c.Pump();
        c.Receive(new ProtocolMessage(ProtocolAction.Detached, c.Name) { Error = new ErrorInfo(0, 0, "bye") });
        c.Pump();
        await detach;

        Assert.That(c.Changes[^1].Current, Is.EqualTo(ChannelState.Detached));
        Assert.That(c.Changes[^1].Reason?.Code, Is.EqualTo(ErrorCodes.ChannelOperationFailed));
    }
}
