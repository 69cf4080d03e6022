using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Checks .gdb_index: its symbol table names the same symbols, with the same kinds, in the matched
/// units as the original's; its address area covers each unit's code as .debug_aranges must (see
/// <see cref="CuAddressTableComparer"/>).
/// </summary>
internal static class GdbIndexComparer
{
    private readonly record struct Symbol(string Name, uint Attributes, long Unit) : IComparable<Symbol>
    {
        public int CompareTo(Symbol other)
        {
            int c = string.CompareOrdinal(Name, other.Name);
            if (c == 0) c = Attributes.CompareTo(other.Attributes);
            return c != 0 ? c : Unit.CompareTo(other.Unit);
        }
    }

    public static void Compare(DwarfFile original, DwarfFile rewritten, IReadOnlyList<List<AddressRange>?> originalUnitRanges,
        IReadOnlyList<List<AddressRange>?> rewrittenUnitRanges, AddressMapping mapping, VerificationReport report)
    {
        bool had = original.Sections.Contains(DebugSectionNames.GdbIndex), has = rewritten.Sections.Contains(DebugSectionNames.GdbIndex);
        if (!had && !has)
            return;
        if (had != has)
        {
            report.Add(DifferenceKind.GdbIndex, DebugSectionNames.GdbIndex, had ? "the output has no .gdb_index; the original had one" : "the output has a .gdb_index; the original had none");
            return;
        }
        var before = GdbIndexReader.Read(original.Sections.View(DebugSectionNames.GdbIndex));
        var after = GdbIndexReader.Read(rewritten.Sections.View(DebugSectionNames.GdbIndex));

        var beforeSymbols = Symbols(original, before);
        var afterSymbols = Symbols(rewritten, after);
        IndexEntryDiff.Walk(beforeSymbols, afterSymbols, report, (symbol, missing) =>
            report.Add(DifferenceKind.GdbIndex, DebugSectionNames.GdbIndex,
                $"symbol \"{symbol.Name}\" (kind {GdbIndexSymbol.Kind(symbol.Attributes)}{(symbol.Attributes >> 31 != 0 ? ", static" : "")}) of unit {symbol.Unit} "
                + (missing ? "is missing from the output" : "is new in the output")));

        CuAddressTableComparer.Compare(DifferenceKind.GdbIndex, ".gdb_index address area", AddressArea(original, before), AddressArea(rewritten, after),
            originalUnitRanges, rewrittenUnitRanges, rewritten, mapping, report);
    }

    /// <summary>A CU-vector entry's unit: the index of a compile unit, or for a type unit its signature's key.</summary>
    private static long UnitKey(DwarfFile file, GdbIndex index, uint unitNumber)
    {
        if (unitNumber < index.CompileUnits.Count)
            return file.FindUnitContaining((long)Math.Min(index.CompileUnits[(int)unitNumber].Offset, long.MaxValue))?.Index ?? -1;
        int type = (int)unitNumber - index.CompileUnits.Count;
        return type < index.TypeUnits.Count ? long.MinValue + (long)(index.TypeUnits[type].Signature & 0x3fff_ffff_ffff_ffff) : -1;
    }

    private static List<Symbol> Symbols(DwarfFile file, GdbIndex index)
    {
        var symbols = new List<Symbol>();
        foreach (var symbol in index.Symbols)
            foreach (uint entry in symbol.CuVector)
                symbols.Add(new Symbol(symbol.Name, entry & 0xff00_0000, UnitKey(file, index, GdbIndexSymbol.UnitIndex(entry))));
        symbols.Sort();
        return symbols;
    }

    private static Dictionary<int, List<AddressRange>> AddressArea(DwarfFile file, GdbIndex index)
    {
        var byUnit = new Dictionary<int, List<AddressRange>>();
        foreach (var entry in index.Addresses)
        {
            int unit = (int)UnitKey(file, index, entry.CuIndex);
            if (!byUnit.TryGetValue(unit, out var ranges))
                byUnit[unit] = ranges = [];
            ranges.Add(new AddressRange(entry.Start, entry.End));
        }
        return byUnit;
    }
}
