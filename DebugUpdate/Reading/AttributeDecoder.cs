using System.Runtime.CompilerServices;

namespace Rewriter.DebugUpdate.Reading;

/// <summary>Decodes and skips attribute values of every DWARF 5 form plus the GNU extensions.</summary>
public static class AttributeDecoder
{
    private const int MaxIndirections = 8;

    /// <summary>Decodes one attribute value at the cursor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static AttributeValue Read(ref DwarfCursor cursor, in AttributeSpec spec, UnitEncoding encoding)
    {
        // PERF: most values are plain 1–8 byte integers (refs, strx, offsets, data, addresses);
        // their kind and size were precomputed with the abbreviation, so decoding is one masked load.
        if (spec.IntegerKind is { } kind)
        {
            int start = cursor.Position;
            ulong value = cursor.ReadFixed(spec.FixedSize);
            return new AttributeValue(spec.Name, spec.Form, kind, value, 0, 0) { ValueOffset = start };
        }
        // PERF: the next most common are single ULEBs (addrx, strx, rnglistx, udata) and the
        // zero-size flag_present and implicit_const; neither needs the general switch.
        if (spec.UlebKind is { } lebKind)
        {
            int start = cursor.Position;
            return new AttributeValue(spec.Name, spec.Form, lebKind, cursor.ReadUleb(), 0, 0) { ValueOffset = start };
        }
        if (spec.FixedSize == 0)
            return ZeroSize(in spec, cursor.Position);
        return ReadSlow(ref cursor, in spec, encoding);
    }

    /// <summary>The value of a zero-size form (flag_present, implicit_const), which lives in the abbreviation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static AttributeValue ZeroSize(in AttributeSpec spec, int valueOffset) => spec.Form == DwForm.FlagPresent
        ? new AttributeValue(spec.Name, spec.Form, AttributeValueKind.Flag, 1, 0, 0) { ValueOffset = valueOffset }
        : new AttributeValue(spec.Name, spec.Form, AttributeValueKind.SignedConstant, (ulong)spec.ImplicitConst, 0, 0) { ValueOffset = valueOffset };

    private static AttributeValue ReadSlow(ref DwarfCursor cursor, in AttributeSpec spec, UnitEncoding encoding)
    {
        DwForm form = spec.Form;
        int start = cursor.Position;
        int depth = 0;
    again:
        AttributeValueKind kind;
        ulong value = 0;
        int blockOffset = 0, blockLength = 0;
        // PERF: forms are dense small integers; this switch compiles to a jump table.
        switch (form)
        {
            case DwForm.Addr: kind = AttributeValueKind.Address; value = cursor.ReadAddress(encoding.AddressSize); break;
            case DwForm.Data1: kind = AttributeValueKind.Constant; value = cursor.ReadU8(); break;
            case DwForm.Data2: kind = AttributeValueKind.Constant; value = cursor.ReadU16(); break;
            case DwForm.Data4: kind = AttributeValueKind.Constant; value = cursor.ReadU32(); break;
            case DwForm.Data8: kind = AttributeValueKind.Constant; value = cursor.ReadU64(); break;
            case DwForm.Udata: kind = AttributeValueKind.Constant; value = cursor.ReadUleb(); break;
            case DwForm.Sdata: kind = AttributeValueKind.SignedConstant; value = (ulong)cursor.ReadSleb(); break;
            case DwForm.ImplicitConst: kind = AttributeValueKind.SignedConstant; value = (ulong)spec.ImplicitConst; break;
            case DwForm.Flag: kind = AttributeValueKind.Flag; value = cursor.ReadU8(); break;
            case DwForm.FlagPresent: kind = AttributeValueKind.Flag; value = 1; break;
            case DwForm.Ref1: kind = AttributeValueKind.UnitReference; value = cursor.ReadU8(); break;
            case DwForm.Ref2: kind = AttributeValueKind.UnitReference; value = cursor.ReadU16(); break;
            case DwForm.Ref4: kind = AttributeValueKind.UnitReference; value = cursor.ReadU32(); break;
            case DwForm.Ref8: kind = AttributeValueKind.UnitReference; value = cursor.ReadU64(); break;
            case DwForm.RefUdata: kind = AttributeValueKind.UnitReference; value = cursor.ReadUleb(); break;
            case DwForm.RefAddr: kind = AttributeValueKind.InfoReference; value = cursor.ReadOffset(encoding.RefAddrSize); break;
            case DwForm.RefSig8: kind = AttributeValueKind.SignatureReference; value = cursor.ReadU64(); break;
            case DwForm.RefSup4: kind = AttributeValueKind.SupplementaryReference; value = cursor.ReadU32(); break;
            case DwForm.RefSup8: kind = AttributeValueKind.SupplementaryReference; value = cursor.ReadU64(); break;
            case DwForm.SecOffset: kind = AttributeValueKind.SectionOffset; value = cursor.ReadOffset(encoding.OffsetSize); break;
            case DwForm.Strp: kind = AttributeValueKind.StringOffset; value = cursor.ReadOffset(encoding.OffsetSize); break;
            case DwForm.LineStrp: kind = AttributeValueKind.LineStringOffset; value = cursor.ReadOffset(encoding.OffsetSize); break;
            case DwForm.StrpSup: kind = AttributeValueKind.SupplementaryStringOffset; value = cursor.ReadOffset(encoding.OffsetSize); break;
            case DwForm.Strx:
            case DwForm.GnuStrIndex: kind = AttributeValueKind.StringIndex; value = cursor.ReadUleb(); break;
            case DwForm.Strx1: kind = AttributeValueKind.StringIndex; value = cursor.ReadU8(); break;
            case DwForm.Strx2: kind = AttributeValueKind.StringIndex; value = cursor.ReadU16(); break;
            case DwForm.Strx3: kind = AttributeValueKind.StringIndex; value = cursor.ReadU24(); break;
            case DwForm.Strx4: kind = AttributeValueKind.StringIndex; value = cursor.ReadU32(); break;
            case DwForm.Addrx:
            case DwForm.GnuAddrIndex: kind = AttributeValueKind.AddressIndex; value = cursor.ReadUleb(); break;
            case DwForm.Addrx1: kind = AttributeValueKind.AddressIndex; value = cursor.ReadU8(); break;
            case DwForm.Addrx2: kind = AttributeValueKind.AddressIndex; value = cursor.ReadU16(); break;
            case DwForm.Addrx3: kind = AttributeValueKind.AddressIndex; value = cursor.ReadU24(); break;
            case DwForm.Addrx4: kind = AttributeValueKind.AddressIndex; value = cursor.ReadU32(); break;
            case DwForm.Rnglistx: kind = AttributeValueKind.RangeListIndex; value = cursor.ReadUleb(); break;
            case DwForm.Loclistx: kind = AttributeValueKind.LocationListIndex; value = cursor.ReadUleb(); break;
            case DwForm.String:
                kind = AttributeValueKind.InlineString;
                blockOffset = cursor.Position;
                blockLength = cursor.ReadCString().Length;
                break;
            case DwForm.Block1: kind = AttributeValueKind.Block; blockLength = cursor.ReadU8(); goto block;
            case DwForm.Block2: kind = AttributeValueKind.Block; blockLength = cursor.ReadU16(); goto block;
            case DwForm.Block4: kind = AttributeValueKind.Block; blockLength = Length(ref cursor, cursor.ReadU32()); goto block;
            case DwForm.Block: kind = AttributeValueKind.Block; blockLength = Length(ref cursor, cursor.ReadUleb()); goto block;
            case DwForm.Exprloc: kind = AttributeValueKind.Expression; blockLength = Length(ref cursor, cursor.ReadUleb()); goto block;
            case DwForm.Data16: kind = AttributeValueKind.Block; blockLength = 16; goto block;
            block:
                blockOffset = cursor.Position;
                cursor.Skip((ulong)blockLength);
                value = (ulong)blockLength;
                break;
            case DwForm.Indirect:
            {
                int at = cursor.Position;
                ulong actual = cursor.ReadUleb();
                if (++depth > MaxIndirections || actual > ushort.MaxValue || (DwForm)actual is DwForm.Indirect or DwForm.ImplicitConst
                    || !FormSizes.IsKnown((DwForm)actual))
                    throw cursor.ErrorAt(at, $"DW_FORM_indirect names invalid form 0x{actual:x}");
                form = (DwForm)actual;
                goto again;
            }
            case DwForm.GnuRefAlt:
            case DwForm.GnuStrpAlt:
                throw Unsupported(ref cursor, start, form);
            default:
                throw cursor.ErrorAt(start, $"unknown form 0x{(ushort)form:x}");
        }
        return new AttributeValue(spec.Name, form, kind, value, blockOffset, blockLength) { ValueOffset = start };
    }

    /// <summary>Skips one attribute value without decoding it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Skip(ref DwarfCursor cursor, in AttributeSpec spec, UnitEncoding encoding)
    {
        // PERF: fixed-size forms (the large majority) skip by their precomputed size.
        if (spec.FixedSize >= 0)
        {
            if (spec.Form is DwForm.GnuRefAlt or DwForm.GnuStrpAlt)
                throw Unsupported(ref cursor, cursor.Position, spec.Form);
            cursor.Skip((ulong)spec.FixedSize);
            return;
        }
        SkipVariable(ref cursor, spec.Form, encoding);
    }

    private static void SkipVariable(ref DwarfCursor cursor, DwForm form, UnitEncoding encoding)
    {
        for (int depth = 0; ; depth++)
        {
            switch (form)
            {
                case DwForm.Udata or DwForm.Sdata or DwForm.RefUdata or DwForm.Strx or DwForm.Addrx
                    or DwForm.GnuStrIndex or DwForm.GnuAddrIndex or DwForm.Rnglistx or DwForm.Loclistx:
                    cursor.ReadUleb();
                    return;
                case DwForm.String: cursor.ReadCString(); return;
                case DwForm.Block1: cursor.Skip(cursor.ReadU8()); return;
                case DwForm.Block2: cursor.Skip(cursor.ReadU16()); return;
                case DwForm.Block4: cursor.Skip(cursor.ReadU32()); return;
                case DwForm.Block or DwForm.Exprloc: cursor.Skip(cursor.ReadUleb()); return;
                case DwForm.Indirect:
                {
                    int at = cursor.Position;
                    ulong actual = cursor.ReadUleb();
                    if (depth >= MaxIndirections || actual > ushort.MaxValue || (DwForm)actual is DwForm.Indirect or DwForm.ImplicitConst
                        || !FormSizes.IsKnown((DwForm)actual))
                        throw cursor.ErrorAt(at, $"DW_FORM_indirect names invalid form 0x{actual:x}");
                    form = (DwForm)actual;
                    int size = FormSizes.FixedSize(form, encoding);
                    if (size >= 0)
                    {
                        if (form is DwForm.GnuRefAlt or DwForm.GnuStrpAlt)
                            throw Unsupported(ref cursor, at, form);
                        cursor.Skip((ulong)size);
                        return;
                    }
                    continue;
                }
                default:
                    throw cursor.Error($"unknown form 0x{(ushort)form:x}");
            }
        }
    }

    private static int Length(ref DwarfCursor cursor, ulong length)
    {
        if (length > (ulong)cursor.Remaining)
            throw cursor.Error($"block of 0x{length:x} bytes runs past the end (0x{cursor.Remaining:x} left)");
        return (int)length;
    }

    private static DwarfFormatException Unsupported(ref DwarfCursor cursor, int at, DwForm form) =>
        cursor.ErrorAt(at, $"{DwarfNames.Name(form)} refers to a dwz supplementary file (.gnu_debugaltlink), which is not supported");
}
