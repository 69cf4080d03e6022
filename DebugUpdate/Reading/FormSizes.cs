namespace Rewriter.DebugUpdate.Reading;

/// <summary>Byte sizes of forms whose size is known from the unit encoding alone.</summary>
public static class FormSizes
{
    /// <summary>The size of a value of <paramref name="form"/>, or -1 when it depends on the data.</summary>
    public static int FixedSize(DwForm form, UnitEncoding encoding) => form switch
    {
        DwForm.Addr => encoding.AddressSize,
        DwForm.Data1 or DwForm.Ref1 or DwForm.Flag or DwForm.Strx1 or DwForm.Addrx1 => 1,
        DwForm.Data2 or DwForm.Ref2 or DwForm.Strx2 or DwForm.Addrx2 => 2,
        DwForm.Strx3 or DwForm.Addrx3 => 3,
        DwForm.Data4 or DwForm.Ref4 or DwForm.Strx4 or DwForm.Addrx4 or DwForm.RefSup4 => 4,
        DwForm.Data8 or DwForm.Ref8 or DwForm.RefSig8 or DwForm.RefSup8 => 8,
        DwForm.Data16 => 16,
        DwForm.Strp or DwForm.LineStrp or DwForm.SecOffset or DwForm.StrpSup
            or DwForm.GnuRefAlt or DwForm.GnuStrpAlt => encoding.OffsetSize,
        DwForm.RefAddr => encoding.RefAddrSize,
        DwForm.FlagPresent or DwForm.ImplicitConst => 0,
        _ => -1,
    };

    /// <summary>
    /// The kind of a form whose value is just a little-endian integer of its fixed size; null for
    /// blocks, strings, LEBs, zero-size forms and the unsupported alternate-file forms.
    /// </summary>
    public static AttributeValueKind? IntegerKind(DwForm form) => form switch
    {
        DwForm.Addr => AttributeValueKind.Address,
        DwForm.Data1 or DwForm.Data2 or DwForm.Data4 or DwForm.Data8 => AttributeValueKind.Constant,
        DwForm.Flag => AttributeValueKind.Flag,
        DwForm.Ref1 or DwForm.Ref2 or DwForm.Ref4 or DwForm.Ref8 => AttributeValueKind.UnitReference,
        DwForm.RefAddr => AttributeValueKind.InfoReference,
        DwForm.RefSig8 => AttributeValueKind.SignatureReference,
        DwForm.RefSup4 or DwForm.RefSup8 => AttributeValueKind.SupplementaryReference,
        DwForm.SecOffset => AttributeValueKind.SectionOffset,
        DwForm.Strp => AttributeValueKind.StringOffset,
        DwForm.LineStrp => AttributeValueKind.LineStringOffset,
        DwForm.StrpSup => AttributeValueKind.SupplementaryStringOffset,
        DwForm.Strx1 or DwForm.Strx2 or DwForm.Strx3 or DwForm.Strx4 => AttributeValueKind.StringIndex,
        DwForm.Addrx1 or DwForm.Addrx2 or DwForm.Addrx3 or DwForm.Addrx4 => AttributeValueKind.AddressIndex,
        _ => null,
    };

    /// <summary>The kind of a form whose value is one ULEB128; null for every other form.</summary>
    public static AttributeValueKind? UlebKind(DwForm form) => form switch
    {
        DwForm.Udata => AttributeValueKind.Constant,
        DwForm.RefUdata => AttributeValueKind.UnitReference,
        DwForm.Strx or DwForm.GnuStrIndex => AttributeValueKind.StringIndex,
        DwForm.Addrx or DwForm.GnuAddrIndex => AttributeValueKind.AddressIndex,
        DwForm.Rnglistx => AttributeValueKind.RangeListIndex,
        DwForm.Loclistx => AttributeValueKind.LocationListIndex,
        _ => null,
    };

    /// <summary>True for every form this reader can decode (fixed or variable size).</summary>
    public static bool IsKnown(DwForm form) => form switch
    {
        >= DwForm.Addr and <= DwForm.Addrx4 when form != (DwForm)0x02 => true,
        DwForm.GnuAddrIndex or DwForm.GnuStrIndex or DwForm.GnuRefAlt or DwForm.GnuStrpAlt => true,
        _ => false,
    };
}
