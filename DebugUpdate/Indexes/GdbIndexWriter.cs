using System.Buffers.Binary;
using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Merging;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Indexes;

/// <summary>
/// Rewrites .gdb_index (versions 7 and 8, as lld --gdb-index and gold write it) for the new
/// layout: the CU and TU lists name the units' new offsets and lengths, and the address area is
/// rebuilt from the compile units' new code ranges. The symbol table and constant pool are kept
/// byte for byte: units keep their order, so every CU index in them still names the same unit,
/// and their offsets are relative to the constant pool.
/// </summary>
public static class GdbIndexWriter
{
    private const int HeaderSize = 24;

    /// <summary>The new index, or a reason why it cannot be rewritten (the caller drops it).</summary>
    public static (ReadOnlyMemory<byte>? Index, string? Problem) Write(DwarfFile file, MergedUnit[] outputs, ulong[] unitOffsets, uint[] typeOffsets)
    {
        var section = file.Sections.View(DebugSectionNames.GdbIndex);
        var bytes = section.Span;
        if (bytes.Length < HeaderSize)
            return (null, "it is shorter than its header");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (version is not (7 or 8))
            return (null, $"version {version} is not supported (7 and 8 are)");
        // Checks the areas and decodes the lists (the symbol table is copied, but must be sound).
        var index = GdbIndexReader.Read(section);
        uint symbolTable = BinaryPrimitives.ReadUInt32LittleEndian(bytes[16..]);
        uint constantPool = BinaryPrimitives.ReadUInt32LittleEndian(bytes[20..]);

        var output = new ByteWriter(bytes.Length + 256);
        output.WriteU32(version);
        int offsetsAt = output.Reserve(20);
        int cuList = output.Position;
        var compileUnits = new List<int>();
        foreach (var entry in index.CompileUnits)
        {
            var unit = UnitAt(file, entry.Offset, typesSection: false);
            if (unit is null)
                return (null, $"its CU list names .debug_info+0x{entry.Offset:x}, where no unit starts");
            compileUnits.Add(unit.Index);
            output.WriteU64(unitOffsets[unit.Index]);
            output.WriteU64(NewLength(entry.Length, unit, outputs[unit.Index]));
        }
        int typesList = output.Position;
        foreach (var entry in index.TypeUnits)
        {
            var unit = UnitAt(file, entry.Offset, typesSection: file.Sections.Contains(DebugSectionNames.Types));
            if (unit is null || !unit.Header.IsTypeUnit)
                return (null, $"its TU list names offset 0x{entry.Offset:x}, where no type unit starts");
            output.WriteU64(unitOffsets[unit.Index]);
            output.WriteU64(typeOffsets[unit.Index]);
            output.WriteU64(entry.Signature);
        }
        int addressArea = output.Position;
        for (int cu = 0; cu < compileUnits.Count; cu++)
        {
            foreach (var range in outputs[compileUnits[cu]].CodeRanges)
            {
                if (range.IsEmpty || range.Start == 0)
                    continue; // code the linker discarded
                output.WriteU64(range.Start);
                output.WriteU64(range.End);
                output.WriteU32((uint)cu);
            }
        }
        int newSymbolTable = output.Position;
        output.WriteBytes(bytes[(int)symbolTable..(int)constantPool]);
        int newConstantPool = output.Position;
        output.WriteBytes(bytes[(int)constantPool..]);
        output.Patch(offsetsAt, (ulong)cuList, 4);
        output.Patch(offsetsAt + 4, (ulong)typesList, 4);
        output.Patch(offsetsAt + 8, (ulong)addressArea, 4);
        output.Patch(offsetsAt + 12, (ulong)newSymbolTable, 4);
        output.Patch(offsetsAt + 16, (ulong)newConstantPool, 4);
        return (output.Written, null);
    }

    private static DwarfUnit? UnitAt(DwarfFile file, ulong offset, bool typesSection)
    {
        var unit = file.FindUnitContaining((long)Math.Min(offset, long.MaxValue), typesSection);
        return unit is not null && (ulong)unit.Offset == offset ? unit : null;
    }

    /// <summary>The length as the producer counted it (lld: the whole unit), moved by what the unit grew or shrank.</summary>
    private static ulong NewLength(ulong length, DwarfUnit unit, MergedUnit output) =>
        (ulong)((long)length + output.InfoSize - unit.Header.Size);
}
