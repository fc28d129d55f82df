using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Tests.Realtime.Components;

[TestFixture]
public sealed class ConnectionSessionTests
{
    private static readonly ClientOptions Options = new() { Key = "appId.keyId:secret" };

    private static ProtocolMessage Connected(string id, string key, ConnectionDetails? details = null) =>
        new(ProtocolAction.Connected) { ConnectionId = id, ConnectionDetails = (details ?? new ConnectionDetails()) with { ConnectionKey = key } };

    [Test]
    public void RTN15c_an_attempt_resumes_with_the_key_of_the_latest_CONNECTED()
    {
        var session = new ConnectionSession(Options, recover: null);
        Assert.That(session.BeginAttempt(), Is.Null);
        Assert.That(session.ContinuationSent, Is.False, "the first attempt has nothing to resume");

        session.Apply(Connected("id-1", "key-1"));
        Assert.That(session.BeginAttempt(), Is.Null, "a resume sends no recover key");
        Assert.That(session.ResumeKeySent, Is.EqualTo("key-1"));
        Assert.That(session.ContinuationSent, Is.True);
    }

    [Test]
    public void RTN16k_the_recovery_key_is_sent_on_the_first_attempt_only()
    {
        var session = new ConnectionSession(Options, new RecoveryKey("recovered-key", 3, new Dictionary<string, string>()));
        Assert.That(session.BeginAttempt(), Is.EqualTo("recovered-key"));
        Assert.That(session.RecoverSent, Is.True);
        Assert.That(session.BeginAttempt(), Is.Null, "a failed first attempt does not send it again");
        Assert.That(session.RecoverSent, Is.False);
    }

    [Test]
    public void RTN15c6_RTN15c7_a_resume_continues_only_when_the_connectionId_is_kept()
    {
        var session = new ConnectionSession(Options, recover: null);
        session.Apply(Connected("id-1", "key-1"));
        session.BeginAttempt();
        session.Apply(Connected("id-1", "key-2"));
        Assert.That(session.Continues("id-1", null), Is.True, "RTN15c6: same id");
        Assert.That(session.Key, Is.EqualTo("key-2"), "the new key replaces the old one");

        session.BeginAttempt();
        session.Apply(Connected("id-2", "key-3"));
        Assert.That(session.Continues("id-1", new ErrorInfo(80008, 400, "unable to resume")), Is.False, "RTN15c7: a new id");
    }

    [Test]
    public void RTN16l_a_recovery_continues_unless_the_CONNECTED_carries_an_error()
    {
        var session = new ConnectionSession(Options, new RecoveryKey("recovered-key", 0, new Dictionary<string, string>()));
        session.BeginAttempt();
        session.Apply(Connected("id-9", "key-9"));
        Assert.That(session.Continues(null, null), Is.True);
        Assert.That(session.Continues(null, new ErrorInfo(80008, 400, "unable to recover")), Is.False);
    }

    [Test]
    public void RTN21_connectionDetails_override_the_defaults_and_their_absence_restores_them()
    {
        var session = new ConnectionSession(Options with { ConnectionStateTtl = TimeSpan.FromSeconds(60) }, recover: null);
        Assert.That(session.MaxMessageSize, Is.EqualTo(ConnectionSession.DefaultMaxMessageSize));
        session.Apply(Connected("id-1", "key-1", new ConnectionDetails { ConnectionStateTtl = TimeSpan.FromSeconds(30), MaxMessageSize = 1024 }));
        Assert.That(session.ConnectionStateTtl, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(session.MaxMessageSize, Is.EqualTo(1024));

        session.Apply(new ProtocolMessage(ProtocolAction.Connected) { ConnectionId = "id-2", ConnectionKey = "key-2" });
        Assert.That(session.ConnectionStateTtl, Is.EqualTo(TimeSpan.FromSeconds(60)));
        Assert.That(session.MaxMessageSize, Is.EqualTo(ConnectionSession.DefaultMaxMessageSize));
        Assert.That(session.Key, Is.EqualTo("key-2"), "the key outside connectionDetails counts too");
    }

    [Test]
    public void RTN12a_Forget_drops_id_and_key_and_RTN11d_Reset_the_details_too()
    {
        var session = new ConnectionSession(Options, recover: null);
        session.Apply(Connected("id-1", "key-1"));
        session.Forget();
        Assert.That((session.Id, session.Key), Is.EqualTo(((string?)null, (string?)null)));
        Assert.That(session.Details, Is.Not.Null);
        Assert.That(session.BeginAttempt(), Is.Null);
        Assert.That(session.ContinuationSent, Is.False, "nothing left to resume");

        session.Reset();
        Assert.That(session.Details, Is.Null);
    }
}
