using System.Runtime.CompilerServices;
using Newtonsoft.Json.Linq;
using Reliably.Rx.PayloadEncoding;

namespace Reliably.Rx.Tests.Vcdiff;

/// <summary>
/// The channel's delta state as a component (RTL19b, RTL20, RTL18b): the base is kept as a copy, small payloads in the
/// component's own buffers and large ones by reference, and a frame's changes can be undone.
/// </summary>
[TestFixture]
public sealed class DeltaBaseTests
{
    [TestCase(16)]
    [TestCase(DeltaSlot.CopyLimit / 2)]
    [TestCase((DeltaSlot.CopyLimit / 2) + 1)]
    [TestCase(3 * DeltaSlot.CopyLimit)]
    public void RTL19b_RTL20_a_string_base_of_any_size_is_what_the_next_delta_applies_to(int length)
    {
        var delta = new DeltaBase(VcdiffDecoder.Default);
        var text = new string('x', length - 1) + "é"; // PC3a: applied to as UTF-8, one byte longer than the string
        Assert.That(Decode(delta, Full("m:0", text)), Is.Null);
        var next = Delta("m:1", from: "m:0", text, text + "!");
        Assert.That(Decode(delta, next), Is.Null);
        Assert.That(next.Data, Is.EqualTo(text + "!"));
    }

    [TestCase(16)]
    [TestCase(DeltaSlot.CopyLimit)]
    [TestCase(DeltaSlot.CopyLimit + 1)]
    public void RTL19b_a_binary_base_is_copied_or_held_and_applies_as_it_was(int length)
    {
        var delta = new DeltaBase(VcdiffDecoder.Default);
        var bytes = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        Assert.That(Decode(delta, new Message(null, bytes) { Id = "m:0" }), Is.Null);
        var target = bytes.Append((byte)7).ToArray();
        var next = new Message(null, TestDelta.Encode(bytes, target)) { Id = "m:1", Encoding = "vcdiff", Extras = DeltaFrom("m:0") };
        Assert.That(Decode(delta, next), Is.Null);
        Assert.That(next.Data, Is.EqualTo(target));
    }

    [Test]
    public void RTL19b_the_base_is_a_copy_that_later_changes_to_the_message_data_do_not_reach()
    {
        var delta = new DeltaBase(VcdiffDecoder.Default);
        var bytes = "Hello"u8.ToArray();
        Decode(delta, new Message(null, bytes) { Id = "m:0" });
        bytes[0] = (byte)'J';
        var next = new Message(null, TestDelta.Encode("Hello"u8.ToArray(), "Hello!"u8.ToArray())) { Id = "m:1", Encoding = "vcdiff", Extras = DeltaFrom("m:0") };
        Assert.That(Decode(delta, next), Is.Null);
        Assert.That(next.Data, Is.EqualTo("Hello!"u8.ToArray()));
    }

    [Test]
    public void RTL20_a_delta_from_another_message_or_with_no_base_fails_with_40018()
    {
        var delta = new DeltaBase(VcdiffDecoder.Default);
        Assert.That(Decode(delta, Delta("m:1", from: "m:0", "a", "b"))?.Code, Is.EqualTo(ErrorCodes.DeltaDecodeFailed), "no base yet");
        Decode(delta, Full("m:0", "a"));
        var failed = Decode(delta, Delta("m:2", from: "m:1", "a", "b"));
        Assert.That(failed?.Code, Is.EqualTo(ErrorCodes.DeltaDecodeFailed));
        Assert.That(failed!.Message, Does.Contain("m:0"), "the message names the last message seen");

        Decode(delta, new Message(null, null) { Id = "m:3" });
        Assert.That(Decode(delta, Delta("m:4", from: "m:3", "a", "b"))?.Code, Is.EqualTo(ErrorCodes.DeltaDecodeFailed), "a message without data leaves no base payload");
    }

    [TestCase(16)]
    [TestCase(DeltaSlot.CopyLimit + 1)]
    public void RTL18b_restore_undoes_every_base_of_the_frame_since_save(int length)
    {
        var delta = new DeltaBase(VcdiffDecoder.Default);
        var before = new string('b', length);
        Decode(delta, Full("f1:0", before));
        delta.Commit();

        // A frame of three messages, discarded after its last.
        var saved = delta.Save();
        Decode(delta, Full("f2:0", "one"));
        Decode(delta, Delta("f2:1", from: "f2:0", "one", "two"));
        Decode(delta, Full("f2:2", new string('c', length)));
        delta.Restore(saved);

        var again = Delta("f2:0", from: "f1:0", before, "resent");
        Assert.That(Decode(delta, again), Is.Null, "the base is the one before the frame");
        Assert.That(again.Data, Is.EqualTo("resent"));
    }

    [Test]
    public void RTL18b_restore_to_before_any_message_leaves_no_base()
    {
        var delta = new DeltaBase(VcdiffDecoder.Default);
        var saved = delta.Save();
        Decode(delta, Full("f1:0", "first"));
        delta.Restore(saved);
        Assert.That(Decode(delta, Delta("f1:1", from: "f1:0", "first", "second"))?.Code, Is.EqualTo(ErrorCodes.DeltaDecodeFailed));
    }

    [Test]
    public void Save_and_restore_without_a_new_base_changes_nothing()
    {
        var delta = new DeltaBase(VcdiffDecoder.Default);
        Decode(delta, Full("f1:0", "first"));
        delta.Restore(delta.Save());
        var next = Delta("f1:1", from: "f1:0", "first", "second");
        Assert.That(Decode(delta, next), Is.Null);
        Assert.That(next.Data, Is.EqualTo("second"));
    }

    [Test]
    public void A_kept_frame_does_not_keep_the_large_base_before_it_alive()
    {
        var delta = new DeltaBase(VcdiffDecoder.Default);
        var large = DecodeLarge(delta, "f1:0");
        delta.Commit();

        delta.Save();
        Decode(delta, Full("f2:0", "small"));
        delta.Commit();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(large.IsAlive, Is.False);
    }

    [Test]
    public void Small_bases_of_the_same_size_are_kept_without_allocating()
    {
        var delta = new DeltaBase(VcdiffDecoder.Default);
        var messages = Enumerable.Range(0, 200).Select(i => Full($"m:{i:D3}", $"payload {i:D3}")).ToArray();
        for (var i = 0; i < 4; i++)
        {
            delta.Save();
            Decode(delta, messages[i]);
            delta.Commit();
        }

        var failures = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 4; i < messages.Length; i++)
        {
            var data = messages[i].Data;
            var encoding = (string?)null;
            delta.Save();
            var error = delta.Decode(messages[i], null, ref data, ref encoding);
            delta.Commit();
            failures += error is null ? 0 : 1;
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(failures, Is.Zero);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference DecodeLarge(DeltaBase delta, string id)
    {
        var large = new string('L', 4 * DeltaSlot.CopyLimit);
        Decode(delta, Full(id, large));
        return new WeakReference(large);
    }

    private static ErrorInfo? Decode(DeltaBase delta, Message message) => MessageEncoder.DecodeInPlace(message, null, delta);

    private static Message Full(string id, string data) => new(null, data) { Id = id };

    private static Message Delta(string id, string from, string before, string after) => TestDelta.Message(id, from, before, after);

    private static JObject DeltaFrom(string id) => TestDelta.From(id);
}
