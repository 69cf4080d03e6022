namespace Rewriter.DebugUpdate.Reading;

/// <summary>One unit's slice of one section inside a .dwp package.</summary>
public readonly record struct DwpContribution(DwSect Section, uint Offset, uint Size);

/// <summary>A row of a .dwp index: the unit's signature (dwo_id or type signature) and its contributions.</summary>
public sealed record DwpIndexRow(ulong Signature, DwpContribution[] Contributions)
{
    /// <summary>Position of the row in its index (the index's unit number minus one).</summary>
    public int Number { get; init; }

    public DwpContribution? Find(DwSect section)
    {
        foreach (var contribution in Contributions)
            if (contribution.Section == section)
                return contribution;
        return null;
    }
}

/// <summary>
/// .debug_cu_index / .debug_tu_index of a .dwp package: version 2 (GNU, DWARF 4) and version 5.
/// Maps a unit signature to the offsets and sizes of its contributions to each .dwo section.
/// </summary>
public sealed class DwpIndex
{
    private readonly ulong[] _slotSignatures;
    private readonly uint[] _slotRows;

    private DwpIndex(int version, DwSect[] columns, DwpIndexRow[] rows, ulong[] slotSignatures, uint[] slotRows)
    {
        Version = version;
        Columns = columns;
        Rows = rows;
        _slotSignatures = slotSignatures;
        _slotRows = slotRows;
    }

    public int Version { get; }
    public IReadOnlyList<DwSect> Columns { get; }

    /// <summary>Where the offset table starts in the section (the size table follows it): 16-byte header, hash and row tables, column ids.</summary>
    public int OffsetTableStart => 16 + _slotSignatures.Length * 12 + Columns.Count * 4;

    /// <summary>Rows in index order (row i is the index's unit number i + 1).</summary>
    public IReadOnlyList<DwpIndexRow> Rows { get; }

    public static DwpIndex Read(SectionView section)
    {
        var cursor = section.CursorAt(0);
        uint version = cursor.ReadU32();
        if ((version & 0xffff) == 5)
            version = 5;
        else if (version != 2)
            throw section.Error(0, $"unsupported index version {version}");
        uint columnCount = cursor.ReadU32();
        uint unitCount = cursor.ReadU32();
        uint slotCount = cursor.ReadU32();
        // Check the table sizes against the section before allocating anything.
        ulong needed = 16 + (ulong)slotCount * 12 + (ulong)columnCount * 4 + 2UL * unitCount * columnCount * 4;
        if (needed > (ulong)section.Length || columnCount > 64)
            throw section.Error(0, $"index tables ({slotCount} slots, {unitCount} units, {columnCount} columns) do not fit in the section");
        if (unitCount > slotCount)
            throw section.Error(0, $"index has {unitCount} units but only {slotCount} hash slots");

        var signatures = new ulong[slotCount];
        for (int i = 0; i < slotCount; i++)
            signatures[i] = cursor.ReadU64();
        var rowOfSlot = new uint[slotCount];
        for (int i = 0; i < slotCount; i++)
        {
            int at = cursor.Position;
            rowOfSlot[i] = cursor.ReadU32();
            if (rowOfSlot[i] > unitCount)
                throw cursor.ErrorAt(at, $"hash slot {i} names row {rowOfSlot[i]} of {unitCount}");
        }
        var columns = new DwSect[columnCount];
        for (int i = 0; i < columnCount; i++)
        {
            int at = cursor.Position;
            uint id = cursor.ReadU32();
            columns[i] = version == 5 ? (DwSect)id : id switch
            {
                5 => DwSect.Loc,
                7 => DwSect.Macinfo,
                8 => DwSect.Macro,
                _ => (DwSect)id,
            };
            if (id == 0 || (version == 5 && (id == 2 || id > 8)) || (version == 2 && id > 8))
                throw cursor.ErrorAt(at, $"unknown section identifier {id}");
        }
        var offsets = new uint[unitCount * columnCount];
        for (int i = 0; i < offsets.Length; i++)
            offsets[i] = cursor.ReadU32();
        var rows = new DwpIndexRow[unitCount];
        for (int row = 0; row < unitCount; row++)
        {
            var contributions = new DwpContribution[columnCount];
            for (int c = 0; c < columnCount; c++)
                contributions[c] = new DwpContribution(columns[c], offsets[row * columnCount + c], cursor.ReadU32());
            rows[row] = new DwpIndexRow(0, contributions) { Number = row };
        }
        for (int slot = 0; slot < slotCount; slot++)
            if (rowOfSlot[slot] != 0)
                rows[rowOfSlot[slot] - 1] = rows[rowOfSlot[slot] - 1] with { Signature = signatures[slot] };
        return new DwpIndex((int)version, columns, rows, signatures, rowOfSlot);
    }

    /// <summary>Looks a signature up through the open-addressing hash table, as consumers do.</summary>
    public bool TryFind(ulong signature, out DwpIndexRow row)
    {
        row = null!;
        int slots = _slotSignatures.Length;
        if (slots == 0)
            return false;
        if ((slots & (slots - 1)) != 0)
        {
            // Not a power of two: not a valid hash table, so search linearly.
            for (int i = 0; i < slots; i++)
                if (_slotRows[i] != 0 && _slotSignatures[i] == signature)
                    return Found(i, out row);
            return false;
        }
        ulong mask = (ulong)slots - 1;
        ulong slot = signature & mask;
        ulong step = ((signature >> 32) & mask) | 1;
        for (int probe = 0; probe < slots; probe++)
        {
            if (_slotRows[slot] == 0)
                return false;
            if (_slotSignatures[slot] == signature)
                return Found((int)slot, out row);
            slot = (slot + step) & mask;
        }
        return false;
    }

    private bool Found(int slot, out DwpIndexRow row)
    {
        row = Rows[(int)_slotRows[slot] - 1];
        return true;
    }
}
