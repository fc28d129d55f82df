using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Protocol;

/// <summary>
/// The optional fields of a ProtocolMessage (TR4) read back what was set: null stays absent, zero stays a value, and the
/// fields kept together for rare frames are independent of each other.
/// </summary>
[TestFixture]
public sealed class ProtocolMessageTests
{
    [Test]
    public void Optional_numbers_distinguish_absent_from_zero_and_can_be_cleared()
    {
        var pm = new ProtocolMessage(ProtocolAction.Ack);
        Assert.That((pm.MsgSerial, pm.Count, pm.Timestamp, pm.Flags), Is.EqualTo(((long?)null, (int?)null, (long?)null, (ProtocolFlags?)null)));

        pm.MsgSerial = 0;
        pm.Count = 0;
        pm.Timestamp = 0;
        pm.Flags = 0;
        Assert.That((pm.MsgSerial, pm.Count, pm.Timestamp, pm.Flags), Is.EqualTo(((long?)0, (int?)0, (long?)0, (ProtocolFlags?)0)));

        pm.MsgSerial = long.MinValue;
        pm.Count = int.MaxValue;
        pm.Timestamp = null;
        Assert.That((pm.MsgSerial, pm.Count, pm.Timestamp, pm.Flags), Is.EqualTo(((long?)long.MinValue, (int?)int.MaxValue, (long?)null, (ProtocolFlags?)0)));

        pm.Flags = null;
        pm.Count = null;
        Assert.That((pm.MsgSerial, pm.Count, pm.Timestamp, pm.Flags), Is.EqualTo(((long?)long.MinValue, (int?)null, (long?)null, (ProtocolFlags?)null)));
    }

    [Test]
    public void Rare_fields_are_independent_and_can_be_cleared()
    {
        var error = new ErrorInfo(40000, 400, "bad");
        var details = new ConnectionDetails { ClientId = "c" };
        var parameters = new Dictionary<string, string> { ["rewind"] = "1" };
        var annotations = new[] { new Annotation() };
        var pm = new ProtocolMessage(ProtocolAction.Connected) { Error = error, ConnectionDetails = details };
        Assert.That((pm.Auth, pm.ConnectionKey, pm.Params, pm.Annotations), Is.EqualTo(((AuthDetails?)null, (string?)null, (IReadOnlyDictionary<string, string>?)null, (Annotation[]?)null)));
        Assert.That(pm.Error, Is.SameAs(error));
        Assert.That(pm.ConnectionDetails, Is.SameAs(details));

        pm.ConnectionKey = "key";
        pm.Params = parameters;
        pm.Annotations = annotations;
        pm.Auth = new AuthDetails { AccessToken = "t" };
        pm.Error = null;
        Assert.That(pm.Error, Is.Null);
        Assert.That((pm.ConnectionKey, pm.Auth?.AccessToken), Is.EqualTo(("key", "t")));
        Assert.That(pm.Params, Is.SameAs(parameters));
        Assert.That(pm.Annotations, Is.SameAs(annotations));
        Assert.That(pm.ConnectionDetails, Is.SameAs(details));

        var plain = new ProtocolMessage(ProtocolAction.Message) { Error = null, Params = null };
        Assert.That((plain.Error, plain.Params), Is.EqualTo(((ErrorInfo?)null, (IReadOnlyDictionary<string, string>?)null)));
    }
}
