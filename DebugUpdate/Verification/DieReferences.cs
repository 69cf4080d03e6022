using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Compares what two references name. DIE offsets may differ between input and output (the debug
/// update re-encodes DIEs), so DIEs are matched structurally: the same unit (by position, or by
/// signature for type units, or through its skeleton for a split unit) and the same position in
/// its pre-order DIE index.
/// </summary>
internal static class DieReferences
{
    /// <summary>True when <paramref name="rewritten"/> is the DIE matched with <paramref name="original"/>.</summary>
    public static bool SameDie((DwarfUnit Unit, int Die) original, (DwarfUnit Unit, int Die) rewritten) =>
        original.Die == rewritten.Die && SameUnit(original.Unit, rewritten.Unit);

    public static bool SameUnit(DwarfUnit original, DwarfUnit rewritten)
    {
        if (original.Header.IsTypeUnit || rewritten.Header.IsTypeUnit)
            return original.Header.IsTypeUnit && rewritten.Header.IsTypeUnit && original.Header.TypeSignature == rewritten.Header.TypeSignature;
        if (original.IsSplit != rewritten.IsSplit)
            return false;
        if (original.IsSplit)
            return original.Skeleton is { } a && rewritten.Skeleton is { } b ? a.Index == b.Index : original.DwoId == rewritten.DwoId;
        return original.Index == rewritten.Index;
    }

    /// <summary>"subprogram main (DIE 0x4f)": what a message shows of a referenced DIE.</summary>
    public static string Describe((DwarfUnit Unit, int Die) target) =>
        $"{TypeDescriber.DescribeOne(target.Unit, target.Die)} (DIE 0x{target.Unit.SectionOffsetOf(target.Die):x})";

    /// <summary>The DIE at a unit-relative offset, as expression operands name base types and callees; null for a bad offset.</summary>
    public static (DwarfUnit Unit, int Die)? AtUnitOffset(DwarfUnit unit, ulong unitOffset)
    {
        int die = unit.Dies.FindByUnitOffset(unitOffset);
        return die < 0 ? null : (unit, die);
    }

    /// <summary>The DIE at a .debug_info offset (DW_OP_implicit_pointer, DW_OP_call_ref); null when none starts there.</summary>
    public static (DwarfUnit Unit, int Die)? AtInfoOffset(DwarfUnit from, ulong offset)
    {
        // A split unit's info offsets are within its own .dwo section.
        var file = from.File;
        var unit = file.FindUnitContaining((long)Math.Min(offset, long.MaxValue), from.IsTypeSectionUnit);
        if (unit is null)
            return null;
        int die = unit.Dies.FindByUnitOffset(offset - (ulong)unit.Offset);
        return die < 0 ? null : (unit, die);
    }
}
