namespace Rewriter.DebugUpdate.Reading;

/// <summary>An abbreviation of a .debug_names index: the tag and the (DW_IDX_*, form) pairs of its entries.</summary>
public sealed record NameIndexAbbreviation(ulong Code, DwTag Tag, (DwIdx Index, DwForm Form)[] Attributes);

/// <summary>One entry of the entry pool: its abbreviation and decoded index attribute values.</summary>
public sealed record NameIndexEntry(long Offset, NameIndexAbbreviation Abbreviation, (DwIdx Index, ulong Value)[] Values)
{
    public ulong? Get(DwIdx index)
    {
        foreach (var (idx, value) in Values)
            if (idx == index)
                return value;
        return null;
    }
}

/// <summary>One name of the name table and its entries.</summary>
public sealed record NameIndexName(string Name, uint Hash, ulong StringOffset, List<NameIndexEntry> Entries);

/// <summary>One name index (a contribution of .debug_names, DWARF 5 §6.1.1).</summary>
public sealed record NameIndex(
    long Offset,
    int OffsetSize,
    ushort Version,
    string Augmentation,
    ulong[] CompileUnits,
    ulong[] LocalTypeUnits,
    ulong[] ForeignTypeUnits,
    uint[] Buckets,
    List<NameIndexName> Names,
    Dictionary<ulong, NameIndexAbbreviation> Abbreviations)
{
    /// <summary>Where the entry pool starts in the section (DW_IDX_parent values are relative to it).</summary>
    public long EntryPool { get; init; }

    /// <summary>The case-folded DJB hash that the hash table uses.</summary>
    public static uint Hash(string name)
    {
        uint hash = 5381;
        foreach (char c in name.ToLowerInvariant())
            hash = hash * 33 + c;
        return hash;
    }
}

/// <summary>Reads .debug_names: header, CU/TU lists, hash table, name table, abbreviations, entry pool.</summary>
public static class DebugNamesReader
{
    public static List<NameIndex> ReadAll(SectionView section, SectionView strings)
    {
        var indexes = new List<NameIndex>();
        long offset = 0;
        while (offset < section.Length)
        {
            var index = Read(section, offset, strings, out long end);
            indexes.Add(index);
            offset = end;
        }
        return indexes;
    }

    public static NameIndex Read(SectionView section, long offset, SectionView strings, out long end)
    {
        var cursor = section.CursorAt(offset);
        ulong length = cursor.ReadInitialLength(out int offsetSize);
        if (length > (ulong)cursor.Remaining)
            throw section.Error(offset, $"name index length 0x{length:x} runs past the end of the section");
        end = cursor.Position + (long)length;
        ushort version = cursor.ReadU16();
        if (version != 5)
            throw section.Error(offset, $"unsupported .debug_names version {version}");
        cursor.ReadU16(); // padding
        uint cuCount = cursor.ReadU32();
        uint localTuCount = cursor.ReadU32();
        uint foreignTuCount = cursor.ReadU32();
        uint bucketCount = cursor.ReadU32();
        uint nameCount = cursor.ReadU32();
        uint abbrevTableSize = cursor.ReadU32();
        uint augmentationSize = cursor.ReadU32();
        // Every table's size is known up front: check them all against the contribution before allocating.
        ulong tables = (ulong)augmentationSize + ((ulong)cuCount + localTuCount) * (ulong)offsetSize + foreignTuCount * 8UL
            + bucketCount * 4UL + (bucketCount > 0 ? nameCount * 4UL : 0) + nameCount * 2UL * (ulong)offsetSize + abbrevTableSize;
        if (tables > (ulong)(end - cursor.Position))
            throw section.Error(offset, "name index tables do not fit in the contribution");
        string augmentation = System.Text.Encoding.ASCII.GetString(cursor.ReadBytes(augmentationSize)).TrimEnd('\0');
        // Producers disagree on whether the augmentation string is padded; LLVM pads to 4.

        var cus = ReadOffsets(ref cursor, cuCount, offsetSize);
        var localTus = ReadOffsets(ref cursor, localTuCount, offsetSize);
        var foreignTus = new ulong[foreignTuCount];
        for (int i = 0; i < foreignTus.Length; i++)
            foreignTus[i] = cursor.ReadU64();
        var buckets = new uint[bucketCount];
        for (int i = 0; i < buckets.Length; i++)
            buckets[i] = cursor.ReadU32();
        var hashes = new uint[bucketCount > 0 ? nameCount : 0];
        for (int i = 0; i < hashes.Length; i++)
            hashes[i] = cursor.ReadU32();
        var stringOffsets = ReadOffsets(ref cursor, nameCount, offsetSize);
        var entryOffsets = ReadOffsets(ref cursor, nameCount, offsetSize);

        long abbrevStart = cursor.Position;
        long poolStart = abbrevStart + abbrevTableSize;
        var abbreviations = new Dictionary<ulong, NameIndexAbbreviation>();
        while (true)
        {
            int at = cursor.Position;
            if (at >= poolStart)
                throw cursor.ErrorAt(at, "abbreviation table is not terminated by a 0 code");
            ulong code = cursor.ReadUleb();
            if (code == 0)
                break;
            ulong tag = cursor.ReadUleb();
            var attributes = new List<(DwIdx, DwForm)>();
            while (true)
            {
                ulong idx = cursor.ReadUleb();
                ulong form = cursor.ReadUleb();
                if (idx == 0 && form == 0)
                    break;
                if (form > ushort.MaxValue || !FormSizes.IsKnown((DwForm)form) || idx > ushort.MaxValue)
                    throw cursor.ErrorAt(at, $"abbreviation {code} uses unknown form 0x{form:x}");
                attributes.Add(((DwIdx)idx, (DwForm)form));
            }
            if (!abbreviations.TryAdd(code, new NameIndexAbbreviation(code, (DwTag)Math.Min(tag, ushort.MaxValue), attributes.ToArray())))
                throw cursor.ErrorAt(at, $"duplicate abbreviation code {code}");
        }

        var encoding = new UnitEncoding(8, (byte)offsetSize, 5);
        var names = new List<NameIndexName>((int)nameCount);
        for (int i = 0; i < nameCount; i++)
        {
            string name = StringSection.Read(strings, stringOffsets[i]);
            var entries = new List<NameIndexEntry>();
            ulong entryOffset = entryOffsets[i];
            if (entryOffset > (ulong)(end - poolStart))
                throw section.Error(offset, $"name {i} has entry offset 0x{entryOffset:x} outside the entry pool");
            var pool = section.CursorAt(poolStart + (long)entryOffset);
            while (true)
            {
                int at = pool.Position;
                if (at >= end)
                    throw pool.ErrorAt(at, "entry list runs past the end of the name index");
                ulong code = pool.ReadUleb();
                if (code == 0)
                    break;
                if (!abbreviations.TryGetValue(code, out var abbreviation))
                    throw pool.ErrorAt(at, $"entry uses unknown abbreviation code {code}");
                var values = new (DwIdx, ulong)[abbreviation.Attributes.Length];
                for (int a = 0; a < values.Length; a++)
                {
                    var (idx, form) = abbreviation.Attributes[a];
                    var value = AttributeDecoder.Read(ref pool, new AttributeSpec(DwAt.Name, form, 0, -1), encoding);
                    values[a] = (idx, value.Value);
                }
                entries.Add(new NameIndexEntry(section.BaseOffset + at, abbreviation, values));
            }
            names.Add(new NameIndexName(name, hashes.Length > 0 ? hashes[i] : NameIndex.Hash(name), stringOffsets[i], entries));
        }
        return new NameIndex(offset, offsetSize, version, augmentation, cus, localTus, foreignTus, buckets, names, abbreviations)
        {
            EntryPool = section.BaseOffset + poolStart,
        };
    }

    private static ulong[] ReadOffsets(ref DwarfCursor cursor, uint count, int offsetSize)
    {
        var offsets = new ulong[count];
        for (int i = 0; i < offsets.Length; i++)
            offsets[i] = cursor.ReadOffset(offsetSize);
        return offsets;
    }
}
