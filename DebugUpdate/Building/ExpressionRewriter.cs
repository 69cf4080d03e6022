using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// Rewrites one DWARF expression for the new layout, operand by operand: code addresses
/// (DW_OP_addr, DW_OP_addrx, DW_OP_GNU_addr_index) translated, address indexes renumbered into the
/// unit's new address table, DIE operands (base types, implicit pointers, calls) written as
/// placeholders for their DIEs' new offsets, branch displacements kept pointing at the same
/// operation. Everything else is copied byte for byte.
/// </summary>
public static class ExpressionRewriter
{
    private const byte Addr = 0x03, Bra = 0x28, Skip = 0x2f, Call2 = 0x98, Call4 = 0x99, CallRef = 0x9a, ImplicitValue = 0x9e,
        ImplicitPointer = 0xa0, Addrx = 0xa1, Constx = 0xa2, EntryValue = 0xa3, ConstType = 0xa4, RegvalType = 0xa5,
        DerefType = 0xa6, XderefType = 0xa7, Convert = 0xa8, Reinterpret = 0xa9, GnuImplicitPointer = 0xf2, GnuEntryValue = 0xf3,
        GnuConstType = 0xf4, GnuRegvalType = 0xf5, GnuDerefType = 0xf6, GnuConvert = 0xf7, GnuReinterpret = 0xf9,
        GnuParameterRef = 0xfa, GnuAddrIndex = 0xfb, GnuConstIndex = 0xfc, GnuVariableValue = 0xfd;

    /// <param name="expression">the input expression</param>
    /// <param name="source">the section holding it (for error positions)</param>
    /// <param name="sourceOffset">its offset in <paramref name="source"/></param>
    public static void Rewrite(UnitRewriteContext context, ReadOnlySpan<byte> expression, SectionView source, long sourceOffset,
        ByteWriter output, List<DieReference> references)
    {
        var encoding = context.Encoding;
        var cursor = new DwarfCursor(expression, source.Name, source.BaseOffset + sourceOffset);
        int outputStart = output.Position;
        // Operation starts (input → output) and branch operands, for expressions whose size changes.
        // PERF: the unit's scratch lists; this call owns what it appends (an entry value's inner
        // expression appends after its outer one) and takes it off again at the end.
        var starts = context.Scratch.ExpressionStarts;
        var branches = context.Scratch.ExpressionBranches;
        int startsBase = starts.Count, branchesBase = branches.Count;
        while (!cursor.AtEnd)
        {
            int at = cursor.Position;
            starts.Add((at, output.Position - outputStart));
            byte op = cursor.ReadU8();
            switch (op)
            {
                case Addr:
                {
                    ulong address = cursor.ReadAddress(encoding.AddressSize);
                    output.WriteU8(op);
                    output.WriteUnsigned(TranslateOperand(context, address), encoding.AddressSize);
                    break;
                }
                case Addrx or GnuAddrIndex:
                {
                    ulong index = cursor.ReadUleb();
                    ulong address = context.Unit.AddressTable.Read(index);
                    output.WriteU8(op);
                    output.WriteUleb((ulong)context.Addresses.IndexFor(index, TranslateOperand(context, address)));
                    break;
                }
                case Constx or GnuConstIndex:
                {
                    // A constant (a TLS offset, say) kept in .debug_addr: renumbered, never translated.
                    ulong index = cursor.ReadUleb();
                    ulong value = context.Unit.AddressTable.Read(index);
                    output.WriteU8(op);
                    output.WriteUleb((ulong)context.Addresses.IndexFor(index, value));
                    break;
                }
                case Bra or Skip:
                {
                    short displacement = (short)cursor.ReadU16();
                    output.WriteU8(op);
                    branches.Add((output.Reserve(2) - outputStart, cursor.Position + displacement));
                    break;
                }
                case Call2:
                    output.WriteU8(op);
                    UnitReference(context, cursor.ReadU16(), at, ReferenceEncoding.Unit2, output, references);
                    break;
                case Call4 or GnuParameterRef:
                    output.WriteU8(op);
                    UnitReference(context, cursor.ReadU32(), at, ReferenceEncoding.Unit4, output, references);
                    break;
                case CallRef or GnuVariableValue:
                    output.WriteU8(op);
                    InfoReference(context, cursor.ReadOffset(encoding.RefAddrSize), at, output, references);
                    break;
                case ImplicitPointer or GnuImplicitPointer:
                    output.WriteU8(op);
                    InfoReference(context, cursor.ReadOffset(encoding.RefAddrSize), at, output, references);
                    output.WriteSleb(cursor.ReadSleb());
                    break;
                case EntryValue or GnuEntryValue:
                {
                    ulong length = cursor.ReadUleb();
                    int blockAt = cursor.Position;
                    var block = cursor.ReadBytes(length);
                    var inner = new ByteWriter((int)length + 8);
                    var innerReferences = new List<DieReference>();
                    Rewrite(context, block, source, sourceOffset + blockAt, inner, innerReferences);
                    output.WriteU8(op);
                    output.WriteUleb((ulong)inner.Position);
                    int innerStart = output.Position;
                    output.WriteBytes(inner.WrittenSpan);
                    foreach (var reference in innerReferences)
                        references.Add(reference with { Position = reference.Position + innerStart });
                    break;
                }
                case ConstType or GnuConstType:
                {
                    output.WriteU8(op);
                    TypeReference(context, cursor.ReadUleb(), at, output, references);
                    byte size = cursor.ReadU8();
                    output.WriteU8(size);
                    output.WriteBytes(cursor.ReadBytes(size));
                    break;
                }
                case RegvalType or GnuRegvalType:
                    output.WriteU8(op);
                    output.WriteUleb(cursor.ReadUleb());
                    TypeReference(context, cursor.ReadUleb(), at, output, references);
                    break;
                case DerefType or XderefType or GnuDerefType:
                    output.WriteU8(op);
                    output.WriteU8(cursor.ReadU8());
                    TypeReference(context, cursor.ReadUleb(), at, output, references);
                    break;
                case Convert or Reinterpret or GnuConvert or GnuReinterpret:
                    output.WriteU8(op);
                    TypeReference(context, cursor.ReadUleb(), at, output, references);
                    break;
                case ImplicitValue:
                {
                    ulong length = cursor.ReadUleb();
                    output.WriteU8(op);
                    output.WriteUleb(length);
                    output.WriteBytes(cursor.ReadBytes(length));
                    break;
                }
                default:
                {
                    // Operations without addresses or DIE operands: copied with their operands.
                    SkipOperands(ref cursor, op, encoding, at);
                    output.WriteBytes(expression[at..cursor.Position]);
                    break;
                }
            }
        }
        if (branches.Count > branchesBase)
        {
            starts.Add((expression.Length, output.Position - outputStart));
            for (int b = branchesBase; b < branches.Count; b++)
            {
                var (operandAt, inputTarget) = branches[b];
                int index = starts.BinarySearch(startsBase, starts.Count - startsBase, (inputTarget, 0), ByInputStart);
                if (index < 0)
                    throw source.Error(sourceOffset, $"DW_OP_bra/skip at +0x{operandAt:x} branches into the middle of an operation");
                int displacement = starts[index].Output - (operandAt + 2);
                output.Patch(outputStart + operandAt, (ulong)(ushort)checked((short)displacement), 2);
            }
        }
        starts.RemoveRange(startsBase, starts.Count - startsBase);
        branches.RemoveRange(branchesBase, branches.Count - branchesBase);
    }

    private static readonly Comparer<(int Input, int Output)> ByInputStart = Comparer<(int Input, int Output)>.Create((a, b) => a.Input.CompareTo(b.Input));

    /// <summary>
    /// True when <see cref="Rewrite"/> would write the expression back as it is: it names no address
    /// in moved code, no address-table entry and no DIE, and has no branch to re-aim. Malformed operations
    /// raise the same error as there.
    /// </summary>
    /// <param name="map">
    /// the layout's map: a DW_OP_addr outside moved code (data, or code that stayed) is written
    /// again as it was, so it does not keep the expression from being copied; without a map, any
    /// address does
    /// </param>
    /// <param name="addresses">
    /// the unit's new address table: an index it keeps names the same value in the output (with a
    /// map, DW_OP_addrx of an address outside moved code is copied as DW_OP_addr is; DW_OP_constx
    /// is never translated); without it, any index keeps the expression from being copied
    /// </param>
    public static bool IsCopiedAsIs(ReadOnlySpan<byte> expression, SectionView source, long sourceOffset, UnitEncoding encoding,
        Addresses.CodeAddressMap? map = null, AddressPool? addresses = null)
    {
        var cursor = new DwarfCursor(expression, source.Name, source.BaseOffset + sourceOffset);
        while (!cursor.AtEnd)
        {
            int at = cursor.Position;
            byte op = cursor.ReadU8();
            switch (op)
            {
                case Addr when map is not null:
                    if (map.IsMoved(new Addresses.InputAddress(cursor.ReadAddress(encoding.AddressSize))))
                        return false;
                    break;
                case Addrx or GnuAddrIndex when addresses is not null && map is not null:
                {
                    ulong index = cursor.ReadUleb();
                    if (!addresses.Keeps(index) || map.IsMoved(new Addresses.InputAddress(addresses.Values[(int)index])))
                        return false;
                    break;
                }
                case Constx or GnuConstIndex when addresses is not null:
                    if (!addresses.Keeps(cursor.ReadUleb()))
                        return false;
                    break;
                case Addr or Addrx or GnuAddrIndex or Constx or GnuConstIndex or Bra or Skip
                    or Call2 or Call4 or GnuParameterRef or CallRef or GnuVariableValue or ImplicitPointer or GnuImplicitPointer
                    or ConstType or GnuConstType or RegvalType or GnuRegvalType or DerefType or XderefType or GnuDerefType
                    or Convert or Reinterpret or GnuConvert or GnuReinterpret:
                    return false;
                case EntryValue or GnuEntryValue:
                {
                    ulong length = cursor.ReadUleb();
                    int blockAt = cursor.Position;
                    if (!IsCopiedAsIs(cursor.ReadBytes(length), source, sourceOffset + blockAt, encoding, map, addresses))
                        return false;
                    break;
                }
                case ImplicitValue:
                    cursor.Skip(cursor.ReadUleb());
                    break;
                default:
                    SkipOperands(ref cursor, op, encoding, at);
                    break;
            }
        }
        return true;
    }

    private static ulong TranslateOperand(UnitRewriteContext context, ulong address)
    {
        if (context.TranslatePoint(address) is { } moved)
            return moved;
        // Inside moved code but not an instruction start: nothing in the output is there.
        context.Warnings.Add("a DW_OP_addr operand points inside moved code but at no instruction start, so it keeps its old value",
            $"0x{address:x} in {context.Unit}");
        return address;
    }

    private static void UnitReference(UnitRewriteContext context, ulong unitOffset, int at, ReferenceEncoding encoding,
        ByteWriter output, List<DieReference> references)
    {
        int die = context.ResolveUnitOffset(unitOffset, at);
        references.Add(DieReference.ToDie(output.Reserve(encoding == ReferenceEncoding.Unit2 ? 2 : 4), encoding, context.Unit.Index, die));
    }

    private static void TypeReference(UnitRewriteContext context, ulong unitOffset, int at, ByteWriter output, List<DieReference> references)
    {
        if (unitOffset == 0)
        {
            output.WriteUleb(0); // the generic type
            return;
        }
        int die = context.ResolveUnitOffset(unitOffset, at);
        references.Add(DieReference.ToDie(output.Reserve(4), ReferenceEncoding.UnitUleb4, context.Unit.Index, die));
    }

    private static void InfoReference(UnitRewriteContext context, ulong infoOffset, int at, ByteWriter output, List<DieReference> references)
    {
        var (unit, unitOffset) = context.ResolveExpressionInfoOffset(infoOffset, at);
        int size = context.Encoding.RefAddrSize;
        references.Add(DieReference.ToInfoOffset(output.Reserve(size), size, unit, unitOffset));
    }

    /// <summary>Skips the operands of an operation that names no address and no DIE.</summary>
    private static void SkipOperands(ref DwarfCursor cursor, byte op, UnitEncoding encoding, int at)
    {
        switch (op)
        {
            case 0x06 or (>= 0x12 and <= 0x14) or (>= 0x16 and <= 0x22) or (>= 0x24 and <= 0x27) or (>= 0x29 and <= 0x2e) or (>= 0x30 and <= 0x6f)
                or 0x96 or 0x97 or 0x9b or 0x9c or 0x9f or 0xe0 or 0xf0:
                return; // no operands
            case 0x08 or 0x09 or 0x15 or 0x94 or 0x95: cursor.Skip(1); return;
            case 0x0a or 0x0b: cursor.Skip(2); return;
            case 0x0c or 0x0d: cursor.Skip(4); return;
            case 0x0e or 0x0f: cursor.Skip(8); return;
            case 0x10 or 0x23 or 0x90 or 0x93: cursor.ReadUleb(); return;
            case 0x11 or (>= 0x70 and <= 0x8f) or 0x91: cursor.ReadSleb(); return;
            case 0x92: cursor.ReadUleb(); cursor.ReadSleb(); return;
            case 0x9d: cursor.ReadUleb(); cursor.ReadUleb(); return;
            default:
                throw cursor.ErrorAt(at, $"unknown DWARF expression operation 0x{op:x2}");
        }
    }
}
