namespace Reliably.Rx.Emulator.Tests.Support;

/// <summary>
/// A VCDIFF decoder written from RFC 3284 for the tests (the emulator only encodes): the default code table, every
/// address mode with its near and same caches, one or more windows with a source segment. No secondary compression,
/// no application-defined code table, no VCD_TARGET windows: deltas using them are rejected.
/// </summary>
public static class VcdiffDecoder
{
    private const int NearSize = 4, SameSize = 3;
    private static readonly (Instruction First, Instruction Second)[] Table = BuildDefaultTable();

    private enum Kind { None, Add, Run, Copy }

    public static byte[] Decode(byte[] delta, byte[] source)
    {
        if (delta.Length < 5 || delta[0] != 0xD6 || delta[1] != 0xC3 || delta[2] != 0xC4 || delta[3] != 0)
        {
            throw new FormatException("not a VCDIFF delta");
        }

        if (delta[4] != 0)
        {
            throw new NotSupportedException("secondary compression or custom code tables");
        }

        var pos = 5;
        var output = new List<byte>();
        while (pos < delta.Length)
        {
            var indicator = delta[pos++];
            byte[] segment = [];
            if ((indicator & 0x02) != 0)
            {
                throw new NotSupportedException("VCD_TARGET windows");
            }

            if ((indicator & 0x01) != 0)
            {
                var length = ReadInt(delta, ref pos);
                var offset = ReadInt(delta, ref pos);
                segment = source[offset..(offset + length)];
            }

            var encodingLength = ReadInt(delta, ref pos);
            var end = pos + encodingLength;
            output.AddRange(DecodeWindow(delta, ref pos, segment));
            if (pos != end)
            {
                throw new FormatException("delta encoding length mismatch");
            }
        }

        return [.. output];
    }

    private static byte[] DecodeWindow(byte[] delta, ref int pos, byte[] segment)
    {
        var targetLength = ReadInt(delta, ref pos);
        if (delta[pos++] != 0)
        {
            throw new NotSupportedException("compressed sections");
        }

        var dataLength = ReadInt(delta, ref pos);
        var instructionsLength = ReadInt(delta, ref pos);
        var addressesLength = ReadInt(delta, ref pos);
        var data = pos;
        var inst = data + dataLength;
        var addr = inst + instructionsLength;
        var instEnd = addr;
        pos = addr + addressesLength;

        // U = source segment followed by the target being built; COPY addresses index into U.
        var u = new List<byte>(segment);
        var near = new int[NearSize];
        var nextNear = 0;
        var same = new int[SameSize * 256];
        while (inst < instEnd)
        {
            var (first, second) = Table[delta[inst++]];
            foreach (var instruction in new[] { first, second })
            {
                if (instruction.Kind == Kind.None)
                {
                    continue;
                }

                var size = instruction.Size == 0 ? ReadInt(delta, ref inst) : instruction.Size;
                switch (instruction.Kind)
                {
                    case Kind.Add:
                        for (var i = 0; i < size; i++)
                        {
                            u.Add(delta[data++]);
                        }

                        break;
                    case Kind.Run:
                        var b = delta[data++];
                        for (var i = 0; i < size; i++)
                        {
                            u.Add(b);
                        }

                        break;
                    default:
                        var here = u.Count;
                        var address = instruction.Mode switch
                        {
                            0 => ReadInt(delta, ref addr),
                            1 => here - ReadInt(delta, ref addr),
                            < 2 + NearSize => near[instruction.Mode - 2] + ReadInt(delta, ref addr),
                            _ => same[((instruction.Mode - 2 - NearSize) * 256) + delta[addr++]],
                        };
                        near[nextNear] = address;
                        nextNear = (nextNear + 1) % NearSize;
                        same[address % same.Length] = address;
                        for (var i = 0; i < size; i++)
                        {
                            u.Add(u[address + i]); // may overlap the bytes being produced, as the RFC allows
                        }

                        break;
                }
            }
        }

        var target = u.Skip(segment.Length).ToArray();
        return target.Length == targetLength ? target : throw new FormatException("target window length mismatch");
    }

    private static int ReadInt(byte[] bytes, ref int pos)
    {
        var value = 0;
        byte b;
        do
        {
            b = bytes[pos++];
            value = (value << 7) | (b & 0x7F);
        }
        while ((b & 0x80) != 0);

        return value;
    }

    /// <summary>RFC 3284 section 5.6.</summary>
    private static (Instruction, Instruction)[] BuildDefaultTable()
    {
        var none = new Instruction(Kind.None, 0, 0);
        var table = new List<(Instruction, Instruction)> { (new Instruction(Kind.Run, 0, 0), none) };
        for (var size = 0; size <= 17; size++)
        {
            table.Add((new Instruction(Kind.Add, size, 0), none));
        }

        for (var mode = 0; mode <= 8; mode++)
        {
            table.Add((new Instruction(Kind.Copy, 0, mode), none));
            for (var size = 4; size <= 18; size++)
            {
                table.Add((new Instruction(Kind.Copy, size, mode), none));
            }
        }

        for (var mode = 0; mode <= 5; mode++)
        {
            for (var add = 1; add <= 4; add++)
            {
                for (var copy = 4; copy <= 6; copy++)
                {
                    table.Add((new Instruction(Kind.Add, add, 0), new Instruction(Kind.Copy, copy, mode)));
                }
            }
        }

        for (var mode = 6; mode <= 8; mode++)
        {
            for (var add = 1; add <= 4; add++)
            {
                table.Add((new Instruction(Kind.Add, add, 0), new Instruction(Kind.Copy, 4, mode)));
            }
        }

        for (var mode = 0; mode <= 8; mode++)
        {
            table.Add((new Instruction(Kind.Copy, 4, mode), new Instruction(Kind.Add, 1, 0)));
        }

        return table.Count == 256 ? [.. table] : throw new InvalidOperationException("default code table has 256 entries");
    }

    private readonly record struct Instruction(Kind Kind, int Size, int Mode);
}
