namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// The header shared by .debug_rnglists and .debug_loclists contributions (DWARF 5 §7.28/§7.29),
/// followed by an optional table of offsets that the rnglistx/loclistx forms index.
/// </summary>
public readonly record struct ListTableHeader(
    long Offset,
    long End,
    int OffsetSize,
    ushort Version,
    byte AddressSize,
    uint OffsetEntryCount,
    long OffsetTableStart)
{
    /// <summary>Size of the header up to the offset table (12 in DWARF32, 20 in DWARF64).</summary>
    public static int HeaderSize(int offsetSize) => offsetSize == 4 ? 12 : 20;

    public static ListTableHeader Read(SectionView section, long offset)
    {
        var cursor = section.CursorAt(offset);
        var (end, offsetSize) = cursor.ReadContributionStart(5, "list table", section.Name);
        ushort version = 5;
        byte addressSize = cursor.ReadU8();
        if (addressSize is not (1 or 2 or 4 or 8))
            throw section.Error(offset, $"unsupported address size {addressSize}");
        byte segmentSize = cursor.ReadU8();
        if (segmentSize != 0)
            throw section.Error(offset, "segment selectors are not supported");
        uint count = cursor.ReadU32();
        long tableStart = cursor.Position;
        if ((ulong)count * (ulong)offsetSize > (ulong)(end - tableStart))
            throw section.Error(offset, $"offset table of {count} entries does not fit in its contribution");
        return new ListTableHeader(offset, end, offsetSize, version, addressSize, count, tableStart);
    }

    /// <summary>Every contribution header of a section, in order.</summary>
    public static List<ListTableHeader> ReadAll(SectionView section)
    {
        var headers = new List<ListTableHeader>();
        long offset = 0;
        while (offset < section.Length)
        {
            var header = Read(section, offset);
            headers.Add(header);
            offset = header.End;
        }
        return headers;
    }

    /// <summary>
    /// Resolves entry <paramref name="index"/> of the offset table that starts at
    /// <paramref name="tableBase"/> (the unit's rnglists_base/loclists_base) to a section offset.
    /// </summary>
    public static ulong ResolveIndex(SectionView section, ulong tableBase, ulong index, int offsetSize)
    {
        ulong at = tableBase + index * (ulong)offsetSize;
        if (index > (ulong)section.Length || tableBase > (ulong)section.Length || at > (ulong)section.Length - (ulong)offsetSize)
            throw section.Error((long)Math.Min(tableBase, (ulong)section.Length), $"list index {index} (base 0x{tableBase:x}) is outside the section");
        var cursor = section.CursorAt((long)at);
        return tableBase + cursor.ReadOffset(offsetSize);
    }
}
