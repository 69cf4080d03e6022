namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// A unit's slice of .debug_addr: DW_FORM_addrx, DW_OP_addrx and the "x" list entries index it from
/// the unit's DW_AT_addr_base (DWARF 5) or DW_AT_GNU_addr_base (GNU split DWARF 4).
/// </summary>
public readonly struct AddressTable
{
    public AddressTable(SectionView section, ulong addrBase, int addressSize)
    {
        Section = section;
        Base = addrBase;
        AddressSize = addressSize;
    }

    public SectionView Section { get; }
    public ulong Base { get; }
    public int AddressSize { get; }

    public ulong Read(ulong index)
    {
        if (Section.IsEmpty)
            throw Section.Error(0, $"address index {index} used but {DebugSectionNames.Addr} is missing");
        ulong offset = Base + index * (ulong)AddressSize;
        if (index > (ulong)Section.Length || offset > (ulong)Section.Length - (ulong)AddressSize)
            throw Section.Error((long)Math.Min(Base, (ulong)Section.Length), $"address index {index} (base 0x{Base:x}) is outside the section");
        var cursor = Section.CursorAt((long)offset);
        return cursor.ReadAddress(AddressSize);
    }

    /// <summary>Reads a .debug_addr contribution header (DWARF 5) and returns the offset of its first entry.</summary>
    public static (long FirstEntry, int AddressSize, long End) ReadHeader(SectionView section, long offset)
    {
        var cursor = section.CursorAt(offset);
        ulong length = cursor.ReadInitialLength(out _);
        if (length > (ulong)cursor.Remaining)
            throw section.Error(offset, $"contribution length 0x{length:x} runs past the end of the section");
        long end = cursor.Position + (long)length;
        if (length < 4)
            throw section.Error(offset, $"contribution length 0x{length:x} is shorter than its header");
        ushort version = cursor.ReadU16();
        if (version != 5)
            throw section.Error(offset, $"unsupported {section.Name} version {version}");
        byte addressSize = cursor.ReadU8();
        byte segmentSize = cursor.ReadU8();
        if (segmentSize != 0)
            throw section.Error(offset, "segment selectors are not supported");
        if (addressSize is not (1 or 2 or 4 or 8))
            throw section.Error(offset, $"unsupported address size {addressSize}");
        return (cursor.Position, addressSize, end);
    }
}
