using System.Runtime.CompilerServices;
using Reliably.Rx.Buffers;

namespace Reliably.Rx.Tests.Buffers;

/// <summary>A text value kept as characters in a reused buffer, for one thread.</summary>
[TestFixture]
public sealed class TextCopyTests
{
    [Test]
    public void The_default_is_null()
    {
        var text = default(TextCopy);
        Assert.That(text.HasValue, Is.False);
        Assert.That(text.Read(), Is.Null);
        Assert.That(text.Matches(null), Is.True);
        Assert.That(text.Matches(string.Empty), Is.False);
    }

    [Test]
    public void It_is_one_reference_as_the_string_it_replaces()
    {
        // An owner that never receives a value (an attached channel without messages) grows by nothing.
        Assert.That(Unsafe.SizeOf<TextCopy>(), Is.EqualTo(IntPtr.Size));
    }

    [Test]
    public void Values_round_trip_longer_shorter_empty_and_null()
    {
        var text = default(TextCopy);
        foreach (var value in new[] { "a", "a much longer value than the first, past the buffer's first size", "short", string.Empty, null, "back", new string('x', 70_000) })
        {
            text.Set(value);
            Assert.That(text.Read(), Is.EqualTo(value));
            Assert.That(text.HasValue, Is.EqualTo(value is not null));
            Assert.That(text.Matches(value), Is.True, value);
            Assert.That(text.Matches(value + "x"), Is.False, value);
        }
    }

    [Test]
    public void A_read_is_a_new_string_and_a_later_set_does_not_change_it()
    {
        var text = default(TextCopy);
        var value = "serial-1";
        text.Set(value);
        var read = text.Read();
        Assert.That(read, Is.Not.SameAs(value), "the value is a copy: the caller's string is not held");
        text.Set("serial-2");
        Assert.That(read, Is.EqualTo("serial-1"));
        Assert.That(text.Read(), Is.EqualTo("serial-2"));
    }

    [Test]
    public void Setting_values_that_fit_allocates_nothing()
    {
        var text = default(TextCopy);
        text.Set("0123456789:0123456789");
        var values = Enumerable.Range(0, 100).Select(i => $"0123456789:{i}").ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var value in values)
        {
            text.Set(value);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        Assert.That(text.Read(), Is.EqualTo("0123456789:99"));
    }
}
