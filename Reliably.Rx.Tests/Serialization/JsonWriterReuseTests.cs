using System.Buffers;
using System.Text;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Tests.Serialization;

/// <summary>
/// The JSON codec reuses one writer per thread between documents: every document written after another (of any kind,
/// and after a write that failed halfway) must be exactly what a fresh writer writes, and reuse must actually happen.
/// </summary>
public sealed class JsonWriterReuseTests
{
    private static readonly IProtocolCodec Json = ProtocolCodecs.Json;

    private static ProtocolMessage Publish(long serial, string data) => new(ProtocolAction.Message, "reuse:channel")
    {
        MsgSerial = serial,
        Messages = [new Message("m", data) { Id = "base:" + serial, Extras = JObject.Parse("""{"headers":{"k":"v"}}""") }],
    };

    [Test]
    public void Documents_WrittenOneAfterAnother_AreEachCompleteAndUnprefixed()
    {
        // Each kind of document the codec writes, in a sequence on one thread; each is compared with its text, so a
        // delimiter or state carried over from the previous document would show.
        Assert.Multiple(() =>
        {
            for (var i = 0; i < 3; i++)
            {
                Assert.That(Text(b => Json.WriteProtocolMessage(Publish(i, "x"), b)), Does.StartWith("""{"action":15,""").And.EndWith("}"));
                Assert.That(Text(b => Json.WriteTree(new JValue("plain"), b)), Is.EqualTo("\"plain\""));
                Assert.That(Text(b => Json.WriteTree(JArray.Parse("[1,{\"a\":[2]}]"), b)), Is.EqualTo("[1,{\"a\":[2]}]"));
                Assert.That(Text(b => Json.WriteMessages([new Message("n", "d")], b)), Is.EqualTo("""[{"name":"n","data":"d"}]"""));
                Assert.That(Text(b => Json.WriteMessage(new Message("n", "d"), b)), Is.EqualTo("""{"name":"n","data":"d"}"""));
            }
        });
    }

    [Test]
    public void Document_AfterAWriteThatFailedHalfway_IsWrittenByAFreshWriter()
    {
        var expected = Text(b => Json.WriteProtocolMessage(Publish(7, "after"), b));

        // A message that cannot be written (null in the array) fails after the writer has opened the frame.
        var broken = new ProtocolMessage(ProtocolAction.Message, "reuse:channel") { MsgSerial = 6, Messages = [new Message("m", "ok"), null!] };
        Assert.That(() => Json.WriteProtocolMessage(broken, new ArrayBufferWriter<byte>()), Throws.Exception);

        Assert.That(Text(b => Json.WriteProtocolMessage(Publish(7, "after"), b)), Is.EqualTo(expected));
    }

    [Test]
    public void Frames_WrittenOnOneThread_AllocateLessThanAWriterEach()
    {
        // Warm: the thread's writer exists.
        var buffer = new ArrayBufferWriter<byte>(4096);
        var pm = Publish(1, new string('x', 100));
        Json.WriteProtocolMessage(pm, buffer);

        const int frames = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < frames; i++)
        {
            buffer.ResetWrittenCount();
            Json.WriteProtocolMessage(pm, buffer);
        }

        var perFrame = (GC.GetAllocatedBytesForCurrentThread() - before) / frames;

        // A new JsonTextWriter per frame, with its buffers and nesting stack, made this frame cost 408 B.
        Assert.That(perFrame, Is.LessThan(300), $"{perFrame} B allocated per frame");
    }

    private static string Text(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
