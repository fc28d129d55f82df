namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>Assertions of the UTS pseudocode that NUnit lacks.</summary>
public static class UtsAssert
{
    /// <summary>
    /// <c>ASSERT actual CONTAINS_IN_ORDER [expected...]</c>: the expected values appear in <paramref name="actual"/> in
    /// this order, other values allowed between them.
    /// </summary>
    public static void ContainsInOrder<T>(IReadOnlyList<T> actual, params T[] expected)
    {
        var next = 0;
        foreach (var value in actual)
        {
            if (next < expected.Length && EqualityComparer<T>.Default.Equals(value, expected[next]))
            {
                next++;
            }
        }

        Assert.That(next, Is.EqualTo(expected.Length),
            $"expected [{string.Join(", ", expected)}] in order within [{string.Join(", ", actual)}]");
    }
}
