using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Compares two DWARF expressions operation by operation, by meaning: code addresses (DW_OP_addr,
/// addrx, GNU_addr_index) must be the translation of the original's, whichever of those forms each
/// side uses; base-type operands and DIE operands (convert, regval_type, deref_type, const_type,
/// implicit_pointer, call*) must name the matched DIE; entry values are compared recursively;
/// branches must land on the same operation. Everything else must be equal.
/// </summary>
internal sealed class ExpressionComparer(AddressMapping mapping)
{
    private const int MaxNesting = 8;

    /// <summary>Null when equal; else which operation differs, with both values.</summary>
    public string? Compare(DwarfUnit originalUnit, ReadOnlySpan<byte> original, DwarfUnit rewrittenUnit, ReadOnlySpan<byte> rewritten) =>
        Compare(originalUnit, original, rewrittenUnit, rewritten, 0);

    private string? Compare(DwarfUnit originalUnit, ReadOnlySpan<byte> original, DwarfUnit rewrittenUnit, ReadOnlySpan<byte> rewritten, int depth)
    {
        // PERF: an expression compared with itself (the same bytes of the same unit) is read once;
        // each operation is still compared with itself, through the address map.
        bool self = ReferenceEquals(originalUnit, rewrittenUnit) && original == rewritten;
        var before = new ExpressionReader(original, originalUnit.Encoding, originalUnit.Info.Name, file: originalUnit.Info.File);
        var after = new ExpressionReader(rewritten, rewrittenUnit.Encoding, rewrittenUnit.Info.Name, file: rewrittenUnit.Info.File);
        for (int number = 0; ; number++)
        {
            if (before.AtEnd || (!self && after.AtEnd))
            {
                if (before.AtEnd && (self || after.AtEnd))
                    return null;
                return $"{(after.AtEnd ? "the output ends" : "the output goes on")} at operation {number}: {Dump(rewrittenUnit, rewritten)} in the output, {Dump(originalUnit, original)} in the original";
            }
            var o = before.Read();
            var r = self ? o : after.Read();
            if (CompareOperation(originalUnit, original, o, rewrittenUnit, rewritten, r, depth) is { } problem)
                return $"operation {number} ({OperationNames.Name(o.Opcode)}): {problem}";
        }
    }

    private string? CompareOperation(DwarfUnit originalUnit, ReadOnlySpan<byte> original, in ExpressionOperation o,
        DwarfUnit rewrittenUnit, ReadOnlySpan<byte> rewritten, in ExpressionOperation r, int depth)
    {
        bool originalIsAddress = o.Meaning is OperandMeaning.Address or OperandMeaning.AddressIndex;
        bool rewrittenIsAddress = r.Meaning is OperandMeaning.Address or OperandMeaning.AddressIndex;
        if (originalIsAddress || rewrittenIsAddress)
        {
            if (!(originalIsAddress && rewrittenIsAddress))
                return $"{OperationNames.Name(r.Opcode)} in the output";
            ulong before = o.Meaning == OperandMeaning.Address ? o.Operand1 : originalUnit.AddressTable.Read(o.Operand1);
            ulong after = r.Meaning == OperandMeaning.Address ? r.Operand1 : rewrittenUnit.AddressTable.Read(r.Operand1);
            if (AddressMapping.IsDead(before))
                return before == after ? null : $"0x{after:x} in the output, 0x{before:x} in the original";
            return mapping.ComparePoint(before, after);
        }
        if (OperationNames.Canonical(o.Opcode) != OperationNames.Canonical(r.Opcode))
            return $"{OperationNames.Name(r.Opcode)} in the output";
        switch (o.Meaning)
        {
            case OperandMeaning.ConstantIndex:
            {
                ulong before = originalUnit.AddressTable.Read(o.Operand1), after = rewrittenUnit.AddressTable.Read(r.Operand1);
                return before == after ? null : $"constant 0x{after:x} in the output, 0x{before:x} in the original";
            }
            case OperandMeaning.BaseType or OperandMeaning.UnitDie:
            {
                if (o.Operand2 != r.Operand2)
                    return $"operand {r.Operand2} in the output, {o.Operand2} in the original";
                if (o.Meaning == OperandMeaning.BaseType && (o.Operand1 == 0 || r.Operand1 == 0))
                {
                    if (o.Operand1 != r.Operand1)
                        return $"type {TypeAt(rewrittenUnit, r.Operand1)} in the output, {TypeAt(originalUnit, o.Operand1)} in the original";
                }
                else if (CompareTargets(DieReferences.AtUnitOffset(originalUnit, o.Operand1), DieReferences.AtUnitOffset(rewrittenUnit, r.Operand1),
                             o.Operand1, r.Operand1) is { } problem)
                    return problem;
                return CompareBlocks(original, o, rewritten, r);
            }
            case OperandMeaning.InfoDie:
                if (o.Operand2 != r.Operand2)
                    return $"offset {(long)r.Operand2} in the output, {(long)o.Operand2} in the original";
                return CompareTargets(DieReferences.AtInfoOffset(originalUnit, o.Operand1), DieReferences.AtInfoOffset(rewrittenUnit, r.Operand1),
                    o.Operand1, r.Operand1);
            case OperandMeaning.Branch:
            {
                int before = ExpressionReader.OperationNumberAt(original, originalUnit.Encoding, o.End + (long)o.Operand1);
                int after = ExpressionReader.OperationNumberAt(rewritten, rewrittenUnit.Encoding, r.End + (long)r.Operand1);
                return before == after ? null : $"branches to operation {after} in the output, {before} in the original";
            }
            case OperandMeaning.NestedExpression:
                if (depth >= MaxNesting)
                    return "entry values nested too deeply";
                return Compare(originalUnit, original.Slice(o.BlockStart, o.BlockLength), rewrittenUnit, rewritten.Slice(r.BlockStart, r.BlockLength), depth + 1)
                    is { } nested ? $"in the entry value: {nested}" : null;
            default:
                if (o.Operand1 != r.Operand1 || o.Operand2 != r.Operand2)
                    return $"operands {Operands(r)} in the output, {Operands(o)} in the original";
                return CompareBlocks(original, o, rewritten, r);
        }
    }

    private static string? CompareBlocks(ReadOnlySpan<byte> original, in ExpressionOperation o, ReadOnlySpan<byte> rewritten, in ExpressionOperation r)
    {
        var before = original.Slice(o.BlockStart, o.BlockLength);
        var after = rewritten.Slice(r.BlockStart, r.BlockLength);
        return before.SequenceEqual(after) ? null : $"bytes {Convert.ToHexString(after)} in the output, {Convert.ToHexString(before)} in the original";
    }

    private static string? CompareTargets((DwarfUnit Unit, int Die)? before, (DwarfUnit Unit, int Die)? after, ulong originalOffset, ulong rewrittenOffset)
    {
        if (before is null || after is null)
        {
            if (before is null && after is null)
                return originalOffset == rewrittenOffset ? null : $"offset 0x{rewrittenOffset:x} in the output, 0x{originalOffset:x} in the original (neither names a DIE)";
            return $"{(after is { } a ? DieReferences.Describe(a) : $"0x{rewrittenOffset:x}, which names no DIE,")} in the output, "
                + $"{(before is { } b ? DieReferences.Describe(b) : $"0x{originalOffset:x}, which names no DIE,")} in the original";
        }
        return DieReferences.SameDie(before.Value, after.Value) ? null
            : $"names {DieReferences.Describe(after.Value)} in the output, {DieReferences.Describe(before.Value)} in the original";
    }

    private static string TypeAt(DwarfUnit unit, ulong offset) =>
        offset == 0 ? "the generic type" : DieReferences.AtUnitOffset(unit, offset) is { } die ? DieReferences.Describe(die) : $"0x{offset:x}";

    private static string Operands(in ExpressionOperation operation) =>
        operation.End - operation.Position == 1 ? "none" : $"{(long)operation.Operand1}, {(long)operation.Operand2}";

    /// <summary>The expression as its operation names, for messages.</summary>
    public static string Dump(DwarfUnit unit, ReadOnlySpan<byte> expression)
    {
        var parts = new List<string>();
        try
        {
            var reader = new ExpressionReader(expression, unit.Encoding);
            while (!reader.AtEnd && parts.Count < 12)
            {
                var operation = reader.Read();
                parts.Add(operation.End - operation.Position == 1 ? OperationNames.Name(operation.Opcode)
                    : $"{OperationNames.Name(operation.Opcode)} 0x{operation.Operand1:x}");
            }
        }
        catch (DwarfFormatException)
        {
            parts.Add("<bad expression>");
        }
        return parts.Count == 0 ? "(empty)" : string.Join(", ", parts);
    }
}
