namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// What a form's size depends on: the unit's address size, its offset size (DWARF32/64) and its
/// version (DW_FORM_ref_addr is address-sized in DWARF 2 only).
/// </summary>
public readonly record struct UnitEncoding(byte AddressSize, byte OffsetSize, ushort Version)
{
    public int RefAddrSize => Version <= 2 ? AddressSize : OffsetSize;
    public bool IsDwarf64 => OffsetSize == 8;
}
