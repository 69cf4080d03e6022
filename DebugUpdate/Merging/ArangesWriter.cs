using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Merging;

/// <summary>Writes .debug_aranges from the compile units' new code ranges, one set per unit with code.</summary>
public static class ArangesWriter
{
    public static ReadOnlyMemory<byte> Write(MergedUnit[] units, ulong[] infoBases, DwarfFile file)
    {
        var output = new ByteWriter(64 * units.Length + 16);
        foreach (var unit in units)
        {
            if (!unit.IsCompileUnit || unit.InTypesSection || unit.CodeRanges.Count == 0)
                continue;
            var header = file.Units[unit.UnitIndex].Header;
            int offsetSize = header.OffsetSize, addressSize = header.AddressSize;
            int lengthAt = ListWriter.WriteInitialLength(output, offsetSize);
            int start = lengthAt - (offsetSize == 8 ? 4 : 0);
            output.WriteU16(2);
            output.WriteUnsigned(infoBases[unit.UnitIndex], offsetSize);
            output.WriteU8((byte)addressSize);
            output.WriteU8(0);
            // Tuples start at a multiple of twice the address size from the set's start.
            while ((output.Position - start) % (2 * addressSize) != 0)
                output.WriteU8(0);
            foreach (var range in unit.CodeRanges)
            {
                if (range.Start == 0)
                    continue; // code the linker discarded
                output.WriteUnsigned(range.Start, addressSize);
                output.WriteUnsigned(range.Length, addressSize);
            }
            output.WriteUnsigned(0, addressSize);
            output.WriteUnsigned(0, addressSize);
            ListWriter.PatchInitialLength(output, lengthAt, offsetSize);
        }
        return output.Written;
    }
}
