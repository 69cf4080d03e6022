namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// The address-table indexes a DWARF 5 range or location list names (base_addressx, startx_*
/// entries): a list is copied as it was only when each of them still holds the same address.
/// The list was read (and checked) before, so its entries are known to be well formed.
/// </summary>
public static class ListAddressIndexes
{
    /// <summary>True when <paramref name="kept"/> holds for every index the list names.</summary>
    /// <param name="list">the list's bytes, up to and with its end-of-list entry</param>
    /// <param name="isLocation">a .debug_loclists list (else .debug_rnglists)</param>
    public static bool All(ReadOnlySpan<byte> list, bool isLocation, int addressSize, Func<ulong, bool> kept)
    {
        var cursor = new DwarfCursor(list, isLocation ? DebugSectionNames.Loclists : DebugSectionNames.Rnglists, 0);
        while (!cursor.AtEnd)
        {
            byte kind = cursor.ReadU8();
            if (isLocation ? !LocationEntry(ref cursor, (DwLle)kind, addressSize, kept) : !RangeEntry(ref cursor, (DwRle)kind, addressSize, kept))
                return false;
        }
        return true;
    }

    private static bool RangeEntry(ref DwarfCursor cursor, DwRle kind, int addressSize, Func<ulong, bool> kept)
    {
        switch (kind)
        {
            case DwRle.EndOfList: return true;
            case DwRle.BaseAddressx: return kept(cursor.ReadUleb());
            case DwRle.StartxEndx: return kept(cursor.ReadUleb()) && kept(cursor.ReadUleb());
            case DwRle.StartxLength: bool start = kept(cursor.ReadUleb()); cursor.ReadUleb(); return start;
            case DwRle.OffsetPair: cursor.ReadUleb(); cursor.ReadUleb(); return true;
            case DwRle.BaseAddress: cursor.Skip((ulong)addressSize); return true;
            case DwRle.StartEnd: cursor.Skip(2 * (ulong)addressSize); return true;
            case DwRle.StartLength: cursor.Skip((ulong)addressSize); cursor.ReadUleb(); return true;
            default: throw cursor.Error($"unknown range list entry kind 0x{(byte)kind:x}");
        }
    }

    private static bool LocationEntry(ref DwarfCursor cursor, DwLle kind, int addressSize, Func<ulong, bool> kept)
    {
        bool named = true;
        switch (kind)
        {
            case DwLle.EndOfList: return true;
            case DwLle.BaseAddressx: return kept(cursor.ReadUleb());
            case DwLle.BaseAddress: cursor.Skip((ulong)addressSize); return true;
            case DwLle.GnuViewPair: cursor.ReadUleb(); cursor.ReadUleb(); return true;
            case DwLle.StartxEndx: named = kept(cursor.ReadUleb()) && kept(cursor.ReadUleb()); break;
            case DwLle.StartxLength: named = kept(cursor.ReadUleb()); cursor.ReadUleb(); break;
            case DwLle.OffsetPair: cursor.ReadUleb(); cursor.ReadUleb(); break;
            case DwLle.StartEnd: cursor.Skip(2 * (ulong)addressSize); break;
            case DwLle.StartLength: cursor.Skip((ulong)addressSize); cursor.ReadUleb(); break;
            case DwLle.DefaultLocation: break;
            default: throw cursor.Error($"unknown location list entry kind 0x{(byte)kind:x}");
        }
        cursor.Skip(cursor.ReadUleb()); // the expression
        return named;
    }
}
