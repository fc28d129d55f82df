using Reliably.Rx.PayloadEncoding.Vcdiff;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Vcdiff;

/// <summary>
/// The built-in VCDIFF decoder (RFC 3284; PC3, VD2a) against deltas written by xdelta3, an independent encoder
/// (Vcdiff/Fixtures, made by scripts/vcdiff-fixtures.sh), against the RFC's default code table, and against
/// malformed and fuzzed input: every outcome is the target or an <see cref="AblyException"/> 40018.
/// </summary>
[TestFixture]
public sealed class VcdiffDecoderTests
{
    private static readonly string[] Fixtures = ["doc", "doc-bare", "binary-windows", "runs", "from-empty", "to-empty"];

    [TestCaseSource(nameof(Fixtures))]
    public void PC3_deltas_written_by_xdelta3_decode_to_their_target(string name)
    {
        var (source, target, delta) = Fixture(name);
        Assert.That(VcdiffDecoder.Default.Decode(delta, source), Is.EqualTo(target));
    }

    [Test]
    public void The_default_code_table_is_the_one_RFC_3284_section_5_6_lists()
    {
        var table = VcdiffCodeTable.Default;
        Assert.That(table, Has.Length.EqualTo(256));
        Assert.That(Describe(table[0]), Is.EqualTo("Run 0 0 | NoOp 0 0"));
        Assert.That(Describe(table[1]), Is.EqualTo("Add 0 0 | NoOp 0 0"));
        Assert.That(Describe(table[18]), Is.EqualTo("Add 17 0 | NoOp 0 0"));
        Assert.That(Describe(table[19]), Is.EqualTo("Copy 0 0 | NoOp 0 0"));
        Assert.That(Describe(table[20]), Is.EqualTo("Copy 4 0 | NoOp 0 0"));
        Assert.That(Describe(table[35]), Is.EqualTo("Copy 0 1 | NoOp 0 0"));
        Assert.That(Describe(table[162]), Is.EqualTo("Copy 18 8 | NoOp 0 0"));
        Assert.That(Describe(table[163]), Is.EqualTo("Add 1 0 | Copy 4 0"));
        Assert.That(Describe(table[165]), Is.EqualTo("Add 1 0 | Copy 6 0"));
        Assert.That(Describe(table[166]), Is.EqualTo("Add 2 0 | Copy 4 0"));
        Assert.That(Describe(table[234]), Is.EqualTo("Add 4 0 | Copy 6 5"));
        Assert.That(Describe(table[235]), Is.EqualTo("Add 1 0 | Copy 4 6"));
        Assert.That(Describe(table[246]), Is.EqualTo("Add 4 0 | Copy 4 8"));
        Assert.That(Describe(table[247]), Is.EqualTo("Copy 4 0 | Add 1 0"));
        Assert.That(Describe(table[255]), Is.EqualTo("Copy 4 8 | Add 1 0"));
    }

    [Test]
    public void A_hand_made_delta_with_a_run_and_an_overlapping_copy_decodes()
    {
        // One window whose source segment is the whole source "abc"; target "abcxyxyxyxyzz" (13 bytes): COPY 3 from 0
        // (explicit size, mode SELF), ADD "xy", COPY 6 from 2 bytes back (mode HERE), which reads what it writes, RUN 2 'z'.
        byte[] instructions = [19, 3, 3, 35, 6, 0, 2];
        byte[] addresses = [0, 2];
        var delta = Window(source: 3, target: 13, "xyz"u8.ToArray(), instructions, addresses);
        Assert.That(System.Text.Encoding.ASCII.GetString(VcdiffDecoder.Default.Decode(delta, "abc"u8)), Is.EqualTo("abcxyxyxyxyzz"));
    }

    [Test]
    public void Malformed_deltas_fail_with_40018_and_say_why()
    {
        var (source, _, delta) = Fixture("doc");
        AssertInvalid(() => VcdiffDecoder.Default.Decode([0xD6, 0xC3, 0xC4, 0x01, 0x00], source), "magic");
        AssertInvalid(() => VcdiffDecoder.Default.Decode([0xD6, 0xC3, 0xC4, 0x00, 0x01, 0x00], source), "secondary compression");
        AssertInvalid(() => VcdiffDecoder.Default.Decode(delta, source.AsSpan(0, 100)), "source segment");
        AssertInvalid(() => new VcdiffDecoder { MaxTargetSize = 1000 }.Decode(delta, source), "more than 1000 bytes");

        // The last byte is data of the last ADD: changing it changes the target, which the Adler-32 checksum catches.
        var corrupted = delta.ToArray();
        corrupted[^1] ^= 0x01;
        AssertInvalid(() => VcdiffDecoder.Default.Decode(corrupted, source), "Adler-32");
    }

    [TestCaseSource(nameof(Fixtures))]
    public void Every_truncation_fails_with_40018(string name)
    {
        var (source, _, delta) = Fixture(name);
        for (var length = 0; length < delta.Length; length++)
        {
            // A truncation at a window boundary is a shorter valid delta: it may decode, to a prefix of the target.
            var cut = delta[..length];
            try
            {
                VcdiffDecoder.Default.Decode(cut, source);
            }
            catch (AblyException ex) when (ex.Code == ErrorCodes.DeltaDecodeFailed)
            {
            }
        }
    }

    [Test]
    public void Fuzzed_deltas_decode_or_fail_with_40018_never_otherwise() => Fuzz(count: 20_000, seed: 20261206);

    [Test]
    [Explicit("Soak: a million fuzzed deltas, about a minute; run with --filter TestCategory=Soak")]
    [Category("Soak")]
    public void Soak_a_million_fuzzed_deltas_decode_or_fail_with_40018() => Fuzz(count: 1_000_000, seed: 1);

    /// <summary>
    /// Mutations of the xdelta3 fixtures (bit flips, byte replacements with boundary values, insertions, deletions,
    /// truncations, splices of two deltas), decoded against their source and against a wrong one.
    /// </summary>
    private static void Fuzz(int count, int seed)
    {
        var random = new Random(seed);
        var cases = Fixtures.Select(Fixture).ToArray();
        var decoder = new VcdiffDecoder { MaxTargetSize = 1 << 20 };
        int decoded = 0, refused = 0;
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var slowest = TimeSpan.Zero;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            var started = clock.Elapsed;
            var (source, _, delta) = cases[random.Next(cases.Length)];
            var mutated = Mutate(random, delta, cases[random.Next(cases.Length)].Delta);
            var against = random.Next(4) == 0 ? cases[random.Next(cases.Length)].Source : source;
            try
            {
                var output = decoder.Decode(mutated, against);
                Assert.That(output.Length, Is.LessThanOrEqualTo(decoder.MaxTargetSize));
                decoded++;
            }
            catch (AblyException ex) when (ex.Code == ErrorCodes.DeltaDecodeFailed)
            {
                refused++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"case {i} (seed {seed}): {ex.GetType().Name}: {ex.Message}\ndelta: {Convert.ToHexString(mutated)}");
            }

            var took = clock.Elapsed - started;
            slowest = took > slowest ? took : slowest;
        }

        // Unbounded allocation would show as heap left behind (the decoder keeps nothing between calls) or as a
        // per-delta allocation far beyond the largest target it may produce.
        var allocatedPerDelta = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / count;
        var heapGrowth = GC.GetTotalMemory(forceFullCollection: true) - heapBefore;
        TestContext.Progress.WriteLine($"vcdiff fuzz: {count} deltas in {clock.Elapsed.TotalSeconds:0.0} s, {decoded} decoded, {refused} refused with 40018; " +
            $"slowest {slowest.TotalMilliseconds:0.0} ms, {allocatedPerDelta:N0} bytes allocated per delta, heap growth {heapGrowth:N0} bytes");
        Assert.That(heapGrowth, Is.LessThan(16 << 20), "nothing retained across decodes");
        Assert.That(refused, Is.GreaterThan(count / 10), "the mutations reach the checks");
    }

    private static byte[] Mutate(Random random, byte[] delta, byte[] other)
    {
        var bytes = delta.ToList();
        for (var n = random.Next(1, 4); n > 0 && bytes.Count > 0; n--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)new[] { 0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE }[random.Next(6)]; break;
                case 2: bytes.Insert(at, (byte)random.Next(256)); break;
                case 3: bytes.RemoveAt(at); break;
                case 4: bytes.RemoveRange(at, bytes.Count - at); break;
                default:
                    var from = random.Next(other.Length);
                    bytes.InsertRange(at, other.Skip(from).Take(random.Next(1, 16)));
                    break;
            }
        }

        return bytes.ToArray();
    }

    private static (byte[] Source, byte[] Target, byte[] Delta) Fixture(string name)
    {
        var root = Vectors.RepoRoot ?? throw new InvalidOperationException("repository root not found");
        var folder = Path.Combine(root, "Reliably.Rx.Tests", "Vcdiff", "Fixtures");
        return (File.ReadAllBytes(Path.Combine(folder, name + ".source")), File.ReadAllBytes(Path.Combine(folder, name + ".target")), File.ReadAllBytes(Path.Combine(folder, name + ".vcdiff")));
    }

    /// <summary>A delta of one window whose source segment is the first <paramref name="source"/> bytes of the base.</summary>
    internal static byte[] Window(int source, int target, byte[] data, byte[] instructions, byte[] addresses)
    {
        var encoding = new List<byte>();
        encoding.AddRange(Varint(target));
        encoding.Add(0);
        encoding.AddRange(Varint(data.Length));
        encoding.AddRange(Varint(instructions.Length));
        encoding.AddRange(Varint(addresses.Length));
        encoding.AddRange(data);
        encoding.AddRange(instructions);
        encoding.AddRange(addresses);
        var delta = new List<byte> { 0xD6, 0xC3, 0xC4, 0x00, 0x00, 0x01 };
        delta.AddRange(Varint(source));
        delta.AddRange(Varint(0));
        delta.AddRange(Varint(encoding.Count));
        delta.AddRange(encoding);
        return delta.ToArray();
    }

    internal static IEnumerable<byte> Varint(int value)
    {
        var digits = new Stack<byte>();
        digits.Push((byte)(value & 0x7F));
        for (value >>= 7; value > 0; value >>= 7)
        {
            digits.Push((byte)(0x80 | (value & 0x7F)));
        }

        return digits;
    }

    private static void AssertInvalid(TestDelegate decode, string reason)
    {
        var ex = Assert.Throws<AblyException>(decode)!;
        Assert.That(ex.Code, Is.EqualTo(ErrorCodes.DeltaDecodeFailed));
        Assert.That(ex.Message, Does.Contain(reason));
    }

    private static string Describe((VcdiffOp First, VcdiffOp Second) entry) =>
        $"{entry.First.Instruction} {entry.First.Size} {entry.First.Mode} | {entry.Second.Instruction} {entry.Second.Size} {entry.Second.Mode}";
}
