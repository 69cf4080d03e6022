namespace Rewriter.DebugUpdate.Reading;

/// <summary>How to interpret <see cref="AttributeValue.Value"/> (the form class, roughly).</summary>
public enum AttributeValueKind : byte
{
    /// <summary>Unsigned constant (data1..8, udata). Before DWARF 4, data4/data8 may also be section offsets.</summary>
    Constant,
    /// <summary>Signed constant (sdata, implicit_const); Value holds the two's complement bits.</summary>
    SignedConstant,
    Flag,
    Address,
    /// <summary>Index into .debug_addr (addrx*, GNU_addr_index).</summary>
    AddressIndex,
    /// <summary>Unit-relative DIE offset (ref1..8, ref_udata).</summary>
    UnitReference,
    /// <summary>Offset in .debug_info (ref_addr).</summary>
    InfoReference,
    /// <summary>Type signature (ref_sig8).</summary>
    SignatureReference,
    /// <summary>Offset into a supplementary object file (ref_sup4/8); resolving it is unsupported.</summary>
    SupplementaryReference,
    /// <summary>Offset in another section (sec_offset): line table, range list, location list, base.</summary>
    SectionOffset,
    /// <summary>Offset in .debug_str (strp).</summary>
    StringOffset,
    /// <summary>Offset in .debug_line_str (line_strp).</summary>
    LineStringOffset,
    /// <summary>Offset in a supplementary file's string section (strp_sup); resolving it is unsupported.</summary>
    SupplementaryStringOffset,
    /// <summary>Index into .debug_str_offsets (strx*, GNU_str_index).</summary>
    StringIndex,
    /// <summary>NUL-terminated string stored in the DIE (string); the block span holds it without the NUL.</summary>
    InlineString,
    /// <summary>Uninterpreted bytes (block*, data16).</summary>
    Block,
    /// <summary>A DWARF expression (exprloc).</summary>
    Expression,
    /// <summary>Index into the unit's range-list offset table (rnglistx).</summary>
    RangeListIndex,
    /// <summary>Index into the unit's location-list offset table (loclistx).</summary>
    LocationListIndex,
}
