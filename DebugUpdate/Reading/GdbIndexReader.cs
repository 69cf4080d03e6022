namespace Rewriter.DebugUpdate.Reading;

public readonly record struct GdbIndexCompileUnit(ulong Offset, ulong Length);
public readonly record struct GdbIndexTypeUnit(ulong Offset, ulong TypeOffset, ulong Signature);
public readonly record struct GdbIndexAddressEntry(ulong Start, ulong End, uint CuIndex);

/// <summary>A symbol of the .gdb_index symbol table: its name and the CU vector (index and attribute bits).</summary>
public sealed record GdbIndexSymbol(string Name, uint[] CuVector)
{
    public static uint UnitIndex(uint entry) => entry & 0x00ffffff;
    public static uint Kind(uint entry) => (entry >> 28) & 7;
    public static bool IsStatic(uint entry) => (entry >> 31) != 0;
}

/// <summary>A parsed .gdb_index (versions 7 and 8).</summary>
public sealed record GdbIndex(
    uint Version,
    List<GdbIndexCompileUnit> CompileUnits,
    List<GdbIndexTypeUnit> TypeUnits,
    List<GdbIndexAddressEntry> Addresses,
    List<GdbIndexSymbol> Symbols);

/// <summary>Reads .gdb_index.</summary>
public static class GdbIndexReader
{
    public static GdbIndex Read(SectionView section)
    {
        var cursor = section.CursorAt(0);
        uint version = cursor.ReadU32();
        if (version is not (7 or 8))
            throw section.Error(0, $"unsupported .gdb_index version {version}");
        uint cuList = cursor.ReadU32();
        uint typesList = cursor.ReadU32();
        uint addressArea = cursor.ReadU32();
        uint symbolTable = cursor.ReadU32();
        uint constantPool = cursor.ReadU32();
        if (!(24 <= cuList && cuList <= typesList && typesList <= addressArea && addressArea <= symbolTable
              && symbolTable <= constantPool && constantPool <= section.Length))
            throw section.Error(4, "area offsets are out of order or outside the section");

        var units = new List<GdbIndexCompileUnit>();
        for (cursor.Position = (int)cuList; cursor.Position + 16 <= typesList;)
            units.Add(new GdbIndexCompileUnit(cursor.ReadU64(), cursor.ReadU64()));
        var types = new List<GdbIndexTypeUnit>();
        for (cursor.Position = (int)typesList; cursor.Position + 24 <= addressArea;)
            types.Add(new GdbIndexTypeUnit(cursor.ReadU64(), cursor.ReadU64(), cursor.ReadU64()));
        var addresses = new List<GdbIndexAddressEntry>();
        for (cursor.Position = (int)addressArea; cursor.Position + 20 <= symbolTable;)
        {
            int at = cursor.Position;
            var entry = new GdbIndexAddressEntry(cursor.ReadU64(), cursor.ReadU64(), cursor.ReadU32());
            if (entry.CuIndex >= units.Count + types.Count)
                throw section.Error(at, $"address entry names CU {entry.CuIndex} of {units.Count + types.Count}");
            addresses.Add(entry);
        }
        var symbols = new List<GdbIndexSymbol>();
        var pool = section.Slice(constantPool, section.Length - constantPool);
        for (cursor.Position = (int)symbolTable; cursor.Position + 8 <= constantPool;)
        {
            int at = cursor.Position;
            uint nameOffset = cursor.ReadU32();
            uint vectorOffset = cursor.ReadU32();
            if (nameOffset == 0 && vectorOffset == 0)
                continue; // empty hash slot
            string name = StringSection.Read(pool, nameOffset);
            var vector = pool.CursorAt(Math.Min(vectorOffset, (uint)pool.Length));
            uint count = vector.ReadU32();
            if ((ulong)count * 4 > (ulong)vector.Remaining)
                throw section.Error(at, $"CU vector of {count} entries runs past the end of the constant pool");
            var entries = new uint[count];
            for (int i = 0; i < count; i++)
                entries[i] = vector.ReadU32();
            symbols.Add(new GdbIndexSymbol(name, entries));
        }
        return new GdbIndex(version, units, types, addresses, symbols);
    }
}
