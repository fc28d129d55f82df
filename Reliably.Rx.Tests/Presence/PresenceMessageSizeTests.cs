using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Tests.Presence;

/// <summary>TP5: the size a presence message counts against maxMessageSize, measured as TM6 measures a message.</summary>
[TestFixture]
public sealed class PresenceMessageSizeTests
{
    [Test]
    public void TP5_Size_CountsClientIdDataAndExtras()
    {
        var message = new PresenceMessage(PresenceAction.Enter, "user-1", "hello") { Extras = new JObject { ["a"] = 1 } };

        // "user-1" (6) + "hello" (5) + {"a":1} (7); the action, id and connectionId count nothing.
        Assert.That(message.Size, Is.EqualTo(18));
        Assert.That(new PresenceMessage(PresenceAction.Leave, null).Size, Is.Zero);
    }

    [Test]
    public void TP5_Size_CountsDataAsTheEncoderSendsIt_WhateverItsDotNetForm()
    {
        static long SizeOf(object? data) => new PresenceMessage(PresenceAction.Update, null, data).Size;

        // TM6f: a string counts its UTF-8 bytes, as a plain string or a JSON string value.
        Assert.That(SizeOf("héllo"), Is.EqualTo(6));
        Assert.That(SizeOf(new JValue("héllo")), Is.EqualTo(6));

        // TM6c: binary data counts its bytes, in every form the encoder sends as binary.
        byte[] bytes = [1, 2, 3];
        Assert.That(SizeOf(bytes), Is.EqualTo(3));
        Assert.That(SizeOf(new JValue(bytes)), Is.EqualTo(3));
        Assert.That(SizeOf(new ReadOnlyMemory<byte>(bytes)), Is.EqualTo(3));
        Assert.That(SizeOf(new ArraySegment<byte>(bytes, 1, 2)), Is.EqualTo(2));

        // TM6b: JSON data counts the bytes of its JSON text.
        Assert.That(SizeOf(new JObject { ["key"] = "value" }), Is.EqualTo("{\"key\":\"value\"}".Length));
        Assert.That(SizeOf(JValue.CreateNull()), Is.Zero);
    }
}
