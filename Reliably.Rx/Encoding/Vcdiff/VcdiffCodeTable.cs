namespace Reliably.Rx.PayloadEncoding.Vcdiff;

/// <summary>The instruction types of VCDIFF (RFC 3284, section 5.4).</summary>
internal enum VcdiffInstruction : byte
{
    NoOp = 0,
    Add = 1,
    Run = 2,
    Copy = 3,
}

/// <summary>One half of a code table entry: an instruction, its size (0: read from the instructions section) and mode.</summary>
internal readonly record struct VcdiffOp(VcdiffInstruction Instruction, byte Size, byte Mode);

/// <summary>
/// The default code table of RFC 3284 (section 5.6): 256 entries of one or two instructions, built from the rules the
/// RFC gives rather than listed. Custom code tables (VCD_CODETABLE) are not supported.
/// </summary>
internal static class VcdiffCodeTable
{
    /// <summary>Address modes: VCD_SELF, VCD_HERE, 4 near slots and 3 same slots.</summary>
    public const int Modes = 2 + VcdiffAddressCache.NearSlots + VcdiffAddressCache.SameSlots;

    public static readonly (VcdiffOp First, VcdiffOp Second)[] Default = Build();

    private static (VcdiffOp, VcdiffOp)[] Build()
    {
        var none = new VcdiffOp(VcdiffInstruction.NoOp, 0, 0);
        var table = new List<(VcdiffOp, VcdiffOp)>(256)
        {
            // 0: RUN with its size in the instructions section.
            (new VcdiffOp(VcdiffInstruction.Run, 0, 0), none),
        };

        // 1-18: ADD of an explicit size, then of sizes 1 to 17.
        for (var size = 0; size <= 17; size++)
        {
            table.Add((new VcdiffOp(VcdiffInstruction.Add, (byte)size, 0), none));
        }

        // 19-162: for each mode, COPY of an explicit size, then of sizes 4 to 18.
        for (var mode = 0; mode < Modes; mode++)
        {
            table.Add((new VcdiffOp(VcdiffInstruction.Copy, 0, (byte)mode), none));
            for (var size = 4; size <= 18; size++)
            {
                table.Add((new VcdiffOp(VcdiffInstruction.Copy, (byte)size, (byte)mode), none));
            }
        }

        // 163-234: ADD of 1 to 4 bytes then COPY of 4 to 6, modes 0 to 5; 235-246: ADD 1 to 4 then COPY 4, modes 6 to 8.
        for (var mode = 0; mode < Modes; mode++)
        {
            var largestCopy = mode < 6 ? 6 : 4;
            for (var add = 1; add <= 4; add++)
            {
                for (var copy = 4; copy <= largestCopy; copy++)
                {
                    table.Add((new VcdiffOp(VcdiffInstruction.Add, (byte)add, 0), new VcdiffOp(VcdiffInstruction.Copy, (byte)copy, (byte)mode)));
                }
            }
        }

        // 247-255: COPY of 4 bytes in each mode, then ADD of 1 byte.
        for (var mode = 0; mode < Modes; mode++)
        {
            table.Add((new VcdiffOp(VcdiffInstruction.Copy, 4, (byte)mode), new VcdiffOp(VcdiffInstruction.Add, 1, 0)));
        }

        return table.Count == 256 ? table.ToArray() : throw new InvalidOperationException("The default VCDIFF code table must have 256 entries.");
    }
}

/// <summary>The address cache of RFC 3284 (section 5.3), reset at each window.</summary>
internal sealed class VcdiffAddressCache
{
    public const int NearSlots = 4;
    public const int SameSlots = 3;

    private readonly int[] _near = new int[NearSlots];
    private readonly int[] _same = new int[SameSlots * 256];
    private int _nextSlot;

    public void Reset()
    {
        Array.Clear(_near);
        Array.Clear(_same);
        _nextSlot = 0;
    }

    /// <summary>Decodes the address of a COPY at position <paramref name="here"/> of the window's address space.</summary>
    public int Decode(int mode, int here, ref VcdiffReader addresses)
    {
        int address;
        if (mode == 0)
        {
            address = addresses.ReadInt();
        }
        else if (mode == 1)
        {
            address = here - addresses.ReadInt();
        }
        else if (mode < 2 + NearSlots)
        {
            address = _near[mode - 2] + addresses.ReadInt();
        }
        else
        {
            address = _same[((mode - 2 - NearSlots) * 256) + addresses.ReadByte()];
        }

        if (address < 0 || address >= here)
        {
            throw VcdiffReader.Invalid($"a COPY address ({address}) outside the data decoded so far ({here} bytes)");
        }

        _near[_nextSlot] = address;
        _nextSlot = (_nextSlot + 1) % NearSlots;
        _same[address % (SameSlots * 256)] = address;
        return address;
    }
}
