using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>The channel's position and what the server granted (RTL15, RTL4k1, RTL4m), as a component; no loop.</summary>
[TestFixture]
public sealed class ChannelPositionTests
{
    private static ProtocolMessage Attached(string? serial, ProtocolFlags flags = ProtocolFlags.None, Dictionary<string, string>? parameters = null) =>
        new(ProtocolAction.Attached, "chat") { ChannelSerial = serial, Flags = flags == ProtocolFlags.None ? null : flags, Params = parameters };

    [Test]
    public void RTN16j_a_recovered_serial_is_the_first_position()
    {
        var position = new ChannelPosition("recovered-1");
        Assert.That(position.ChannelSerial, Is.EqualTo("recovered-1"));
        Assert.That(position.AttachSerial, Is.Null);
        Assert.That(position.Params, Is.Empty);
        Assert.That(position.Modes, Is.EqualTo(ChannelModes.None));
    }

    [Test]
    public void RTL15c_only_an_ATTACHED_that_did_not_resume_marks_a_new_attach_point()
    {
        var position = new ChannelPosition(null);
        position.ApplyAttached(Attached("a-1"));
        Assert.That((position.AttachSerial, position.ChannelSerial), Is.EqualTo(("a-1", "a-1")));

        position.ApplyAttached(Attached("a-2", ProtocolFlags.Resumed));
        Assert.That(position.AttachSerial, Is.EqualTo("a-1"), "a resumed ATTACHED continues the attachment");
        Assert.That(position.ChannelSerial, Is.EqualTo("a-2"), "RTL15b: but it moves the position");

        position.ApplyAttached(Attached(null));
        Assert.That(position.AttachSerial, Is.Null, "a fresh attachment without a serial has no attach point");
        Assert.That(position.ChannelSerial, Is.EqualTo("a-2"), "a frame without a serial leaves the position");
    }

    [Test]
    public void RTL15b_an_attached_channel_holds_one_copy_of_its_serial_and_a_message_serial_is_copied()
    {
        // An attached channel that receives nothing keeps the ATTACHED's serial once (as attach serial and position),
        // not also a buffer with a copy; a MESSAGE's serial is copied, so the position holds no reference to the frame.
        var position = new ChannelPosition(null);
        var attached = Attached(new string('a', 30));
        position.ApplyAttached(attached);
        Assert.That(position.ChannelSerial, Is.SameAs(attached.ChannelSerial));
        Assert.That(position.AttachSerial, Is.SameAs(attached.ChannelSerial));

        var message = new ProtocolMessage(ProtocolAction.Message, "chat") { ChannelSerial = new string('m', 30) };
        position.Store(message);
        Assert.That(position.ChannelSerial, Is.EqualTo(message.ChannelSerial).And.Not.SameAs(message.ChannelSerial));
    }

    [Test]
    public void RTL15b_frames_with_a_serial_advance_the_position_and_RTL15b2_clear_ends_it()
    {
        var position = new ChannelPosition(null);
        position.Store(new ProtocolMessage(ProtocolAction.Message, "chat") { ChannelSerial = "m-1" });
        position.Store(new ProtocolMessage(ProtocolAction.Message, "chat"));
        Assert.That(position.ChannelSerial, Is.EqualTo("m-1"));

        position.Clear();
        Assert.That(position.ChannelSerial, Is.Null);
    }

    [Test]
    public void RTL4k1_RTL4m_the_granted_params_and_modes_are_those_of_the_latest_ATTACHED()
    {
        var position = new ChannelPosition(null);
        var sent = new Dictionary<string, string> { ["rewind"] = "1" };
        position.ApplyAttached(Attached("a-1", ProtocolFlags.Resumed | ProtocolFlags.Publish | ProtocolFlags.Subscribe, sent));
        sent["rewind"] = "changed";
        Assert.That(position.Modes, Is.EqualTo(ChannelModes.Publish | ChannelModes.Subscribe), "only the mode bits");
        Assert.That(position.Params["rewind"], Is.EqualTo("1"), "a copy of what the server sent");

        position.ApplyAttached(Attached("a-2"));
        Assert.That(position.Modes, Is.EqualTo(ChannelModes.None));
        Assert.That(position.Params, Is.Empty);
    }
}
