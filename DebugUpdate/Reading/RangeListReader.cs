namespace Rewriter.DebugUpdate.Reading;

/// <summary>Reads range lists: .debug_ranges (DWARF 2–4) and .debug_rnglists (DWARF 5).</summary>
public static class RangeListReader
{
    /// <summary>Reads the .debug_ranges list at <paramref name="offset"/>. Ranges are returned as written (End may be below Start).</summary>
    public static List<AddressRange> ReadDebugRanges(SectionView section, ulong offset, int addressSize, ulong baseAddress) =>
        ReadDebugRanges(section, offset, addressSize, baseAddress, out _);

    /// <param name="bytes">where the list's bytes lie in the section</param>
    /// <param name="into">a list to fill (cleared first) instead of a new one</param>
    public static List<AddressRange> ReadDebugRanges(SectionView section, ulong offset, int addressSize, ulong baseAddress, out ListBytes bytes,
        List<AddressRange>? into = null)
    {
        if (offset > (ulong)section.Length)
            throw section.Error(0, $"range list offset 0x{offset:x} is outside the section (size 0x{section.Length:x})");
        var cursor = section.CursorAt((long)offset);
        ulong maxAddress = addressSize == 8 ? ulong.MaxValue : (1UL << (addressSize * 8)) - 1;
        var ranges = Reset(into);
        bool ownBase = false, usesUnitBase = false;
        while (true)
        {
            ulong start = cursor.ReadAddress(addressSize);
            ulong end = cursor.ReadAddress(addressSize);
            if (start == 0 && end == 0)
            {
                bytes = new ListBytes((int)offset, cursor.Position, NamesAddressIndexes: false, usesUnitBase);
                return ranges;
            }
            if (start == maxAddress)
            {
                baseAddress = end;
                ownBase = true;
                continue;
            }
            usesUnitBase |= !ownBase;
            ranges.Add(new AddressRange(baseAddress + start, baseAddress + end));
        }
    }

    /// <summary>Reads the .debug_rnglists list at <paramref name="offset"/>; every entry kind is supported.</summary>
    public static List<AddressRange> ReadRnglist(SectionView section, ulong offset, int addressSize, ulong baseAddress, in AddressTable addresses) =>
        ReadRnglist(section, offset, addressSize, baseAddress, addresses, out _);

    /// <param name="bytes">where the list's bytes lie in the section, and whether an entry names an address by index</param>
    /// <param name="into">a list to fill (cleared first) instead of a new one</param>
    public static List<AddressRange> ReadRnglist(SectionView section, ulong offset, int addressSize, ulong baseAddress, in AddressTable addresses,
        out ListBytes bytes, List<AddressRange>? into = null)
    {
        if (offset > (ulong)section.Length)
            throw section.Error(0, $"range list offset 0x{offset:x} is outside the section (size 0x{section.Length:x})");
        var cursor = section.CursorAt((long)offset);
        var ranges = Reset(into);
        bool namesIndexes = false, ownBase = false, usesUnitBase = false;
        while (true)
        {
            int at = cursor.Position;
            var kind = (DwRle)cursor.ReadU8();
            switch (kind)
            {
                case DwRle.EndOfList:
                    bytes = new ListBytes((int)offset, cursor.Position, namesIndexes, usesUnitBase);
                    return ranges;
                case DwRle.BaseAddressx:
                    baseAddress = addresses.Read(cursor.ReadUleb());
                    namesIndexes = ownBase = true;
                    break;
                case DwRle.StartxEndx:
                {
                    namesIndexes = true;
                    ulong start = addresses.Read(cursor.ReadUleb());
                    ulong end = addresses.Read(cursor.ReadUleb());
                    ranges.Add(new AddressRange(start, end));
                    break;
                }
                case DwRle.StartxLength:
                {
                    namesIndexes = true;
                    ulong start = addresses.Read(cursor.ReadUleb());
                    ranges.Add(new AddressRange(start, start + cursor.ReadUleb()));
                    break;
                }
                case DwRle.OffsetPair:
                {
                    ulong start = cursor.ReadUleb();
                    ulong end = cursor.ReadUleb();
                    ranges.Add(new AddressRange(baseAddress + start, baseAddress + end));
                    usesUnitBase |= !ownBase;
                    break;
                }
                case DwRle.BaseAddress:
                    baseAddress = cursor.ReadAddress(addressSize);
                    ownBase = true;
                    break;
                case DwRle.StartEnd:
                {
                    ulong start = cursor.ReadAddress(addressSize);
                    ranges.Add(new AddressRange(start, cursor.ReadAddress(addressSize)));
                    break;
                }
                case DwRle.StartLength:
                {
                    ulong start = cursor.ReadAddress(addressSize);
                    ranges.Add(new AddressRange(start, start + cursor.ReadUleb()));
                    break;
                }
                default:
                    throw cursor.ErrorAt(at, $"unknown range list entry kind 0x{(byte)kind:x}");
            }
        }
    }

    // PERF: a reader of many lists passes its own list (a new one per list costs an allocation and its growth).
    private static List<AddressRange> Reset(List<AddressRange>? into)
    {
        if (into is null)
            return [];
        into.Clear();
        return into;
    }
}
