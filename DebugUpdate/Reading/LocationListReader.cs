namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// Reads location lists: .debug_loc (DWARF 2–4), .debug_loclists (DWARF 5, main and .dwo) and the
/// pre-standard GNU split-DWARF .debug_loc.dwo.
/// </summary>
public static class LocationListReader
{
    /// <param name="entries">a list to fill (cleared first) instead of a new one</param>
    public static List<LocationListEntry> ReadDebugLoc(SectionView section, ulong offset, int addressSize, ulong baseAddress,
        List<LocationListEntry>? entries = null) => ReadDebugLoc(section, offset, addressSize, baseAddress, entries, out _);

    /// <param name="bytes">where the list's bytes lie in the section</param>
    public static List<LocationListEntry> ReadDebugLoc(SectionView section, ulong offset, int addressSize, ulong baseAddress,
        List<LocationListEntry>? entries, out ListBytes bytes)
    {
        var cursor = Start(section, offset);
        ulong maxAddress = addressSize == 8 ? ulong.MaxValue : (1UL << (addressSize * 8)) - 1;
        entries = Reset(entries);
        bool ownBase = false, usesUnitBase = false;
        while (true)
        {
            ulong start = cursor.ReadAddress(addressSize);
            ulong end = cursor.ReadAddress(addressSize);
            if (start == 0 && end == 0)
            {
                bytes = new ListBytes((int)offset, cursor.Position, NamesAddressIndexes: false, usesUnitBase);
                return entries;
            }
            if (start == maxAddress)
            {
                baseAddress = end;
                ownBase = true;
                continue;
            }
            usesUnitBase |= !ownBase;
            var expression = Expression(section, ref cursor, cursor.ReadU16());
            entries.Add(new LocationListEntry(LocationListEntryKind.Bounded, baseAddress + start, baseAddress + end, expression));
        }
    }

    public static List<LocationListEntry> ReadLoclist(SectionView section, ulong offset, int addressSize, ulong baseAddress, in AddressTable addresses,
        List<LocationListEntry>? entries = null) => ReadLoclist(section, offset, addressSize, baseAddress, addresses, entries, out _);

    /// <param name="bytes">where the list's bytes lie in the section, and whether an entry names an address by index</param>
    public static List<LocationListEntry> ReadLoclist(SectionView section, ulong offset, int addressSize, ulong baseAddress, in AddressTable addresses,
        List<LocationListEntry>? entries, out ListBytes bytes)
    {
        var cursor = Start(section, offset);
        entries = Reset(entries);
        bool namesIndexes = false, ownBase = false, usesUnitBase = false;
        while (true)
        {
            int at = cursor.Position;
            var kind = (DwLle)cursor.ReadU8();
            ulong start, end;
            switch (kind)
            {
                case DwLle.EndOfList:
                    bytes = new ListBytes((int)offset, cursor.Position, namesIndexes, usesUnitBase);
                    return entries;
                case DwLle.BaseAddressx:
                    baseAddress = addresses.Read(cursor.ReadUleb());
                    namesIndexes = ownBase = true;
                    continue;
                case DwLle.BaseAddress:
                    baseAddress = cursor.ReadAddress(addressSize);
                    ownBase = true;
                    continue;
                case DwLle.GnuViewPair:
                    start = cursor.ReadUleb();
                    end = cursor.ReadUleb();
                    entries.Add(new LocationListEntry(LocationListEntryKind.ViewPair, start, end, ReadOnlyMemory<byte>.Empty));
                    continue;
                case DwLle.StartxEndx:
                    start = addresses.Read(cursor.ReadUleb());
                    end = addresses.Read(cursor.ReadUleb());
                    namesIndexes = true;
                    break;
                case DwLle.StartxLength:
                    start = addresses.Read(cursor.ReadUleb());
                    end = start + cursor.ReadUleb();
                    namesIndexes = true;
                    break;
                case DwLle.OffsetPair:
                    start = baseAddress + cursor.ReadUleb();
                    end = baseAddress + cursor.ReadUleb();
                    usesUnitBase |= !ownBase;
                    break;
                case DwLle.StartEnd:
                    start = cursor.ReadAddress(addressSize);
                    end = cursor.ReadAddress(addressSize);
                    break;
                case DwLle.StartLength:
                    start = cursor.ReadAddress(addressSize);
                    end = start + cursor.ReadUleb();
                    break;
                case DwLle.DefaultLocation:
                    entries.Add(new LocationListEntry(LocationListEntryKind.Default, 0, 0, Expression(section, ref cursor, cursor.ReadUleb())));
                    continue;
                default:
                    throw cursor.ErrorAt(at, $"unknown location list entry kind 0x{(byte)kind:x}");
            }
            entries.Add(new LocationListEntry(LocationListEntryKind.Bounded, start, end, Expression(section, ref cursor, cursor.ReadUleb())));
        }
    }

    /// <summary>GNU split DWARF 4 (.debug_loc.dwo): address indexes into the skeleton's .debug_addr, 2-byte expression lengths.</summary>
    public static List<LocationListEntry> ReadGnuSplitLoc(SectionView section, ulong offset, ulong baseAddress, in AddressTable addresses,
        List<LocationListEntry>? entries = null)
    {
        var cursor = Start(section, offset);
        entries = Reset(entries);
        while (true)
        {
            int at = cursor.Position;
            var kind = (GnuSplitLle)cursor.ReadU8();
            ulong start, end;
            switch (kind)
            {
                case GnuSplitLle.EndOfList:
                    return entries;
                case GnuSplitLle.BaseAddressSelection:
                    baseAddress = addresses.Read(cursor.ReadUleb());
                    continue;
                case GnuSplitLle.StartEnd:
                    start = addresses.Read(cursor.ReadUleb());
                    end = addresses.Read(cursor.ReadUleb());
                    break;
                case GnuSplitLle.StartLength:
                    start = addresses.Read(cursor.ReadUleb());
                    end = start + cursor.ReadU32();
                    break;
                case GnuSplitLle.OffsetPair:
                    start = baseAddress + cursor.ReadU32();
                    end = baseAddress + cursor.ReadU32();
                    break;
                default:
                    throw cursor.ErrorAt(at, $"unknown split location list entry kind 0x{(byte)kind:x}");
            }
            entries.Add(new LocationListEntry(LocationListEntryKind.Bounded, start, end, Expression(section, ref cursor, cursor.ReadU16())));
        }
    }

    private static List<LocationListEntry> Reset(List<LocationListEntry>? entries)
    {
        if (entries is null)
            return [];
        entries.Clear();
        return entries;
    }

    private static DwarfCursor Start(SectionView section, ulong offset)
    {
        if (offset > (ulong)section.Length)
            throw section.Error(0, $"location list offset 0x{offset:x} is outside the section (size 0x{section.Length:x})");
        return section.CursorAt((long)offset);
    }

    private static ReadOnlyMemory<byte> Expression(SectionView section, ref DwarfCursor cursor, ulong length)
    {
        int start = cursor.Position;
        cursor.Skip(length);
        return section.Bytes.Slice(start, (int)length);
    }
}

/// <summary>
/// Where a list's bytes lie in its section, [Start, End) with its terminating entry; whether one
/// of its entries names an address by its index in the unit's address table; and whether one is
/// relative to the unit's base address (an offset pair before any base entry of the list's own).
/// </summary>
public readonly record struct ListBytes(int Start, int End, bool NamesAddressIndexes, bool UsesUnitBase = true);
