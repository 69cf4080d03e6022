namespace Rewriter.DebugUpdate.Building;

/// <summary>How a reference to a DIE is stored, so it can be patched once the DIE's new offset is known.</summary>
public enum ReferenceEncoding : byte
{
    /// <summary>Unit-relative, 4 bytes (DW_FORM_ref4, DW_OP_call4, GNU_parameter_ref).</summary>
    Unit4,
    /// <summary>Unit-relative, 2 bytes (DW_OP_call2).</summary>
    Unit2,
    /// <summary>Unit-relative ULEB128 padded to 4 bytes (base-type operands of DW_OP_convert and friends).</summary>
    UnitUleb4,
    /// <summary>.debug_info offset of 4 bytes (ref_addr in DWARF32, DW_OP_call_ref, implicit_pointer).</summary>
    Info4,
    /// <summary>.debug_info offset of 8 bytes (DWARF64).</summary>
    Info8,
}

/// <summary>
/// A reference written as a placeholder at <see cref="Position"/> of some output buffer, naming a
/// DIE of unit <see cref="Unit"/>: a unit-relative one (patched before its unit is done) names
/// it by its index in the unit's DIEs, a .debug_info offset (patched at the merge, after the
/// target's DIE index is gone) by the DIE's unit-relative input offset (<see cref="DieOffsetMap"/>).
/// Use <see cref="ToDie"/> and <see cref="ToInfoOffset"/>.
/// </summary>
public readonly record struct DieReference(int Position, ReferenceEncoding Encoding, int Unit, uint Target)
{
    /// <summary>A unit-relative reference to DIE <paramref name="die"/> of unit <paramref name="unit"/>.</summary>
    public static DieReference ToDie(int position, ReferenceEncoding encoding, int unit, int die) =>
        IsUnitRelativeEncoding(encoding) ? new(position, encoding, unit, (uint)die)
            : throw new ArgumentException($"{encoding} is not a unit-relative encoding");

    /// <summary>A .debug_info offset (of <paramref name="offsetSize"/> bytes) of the DIE at <paramref name="unitOffset"/> in unit <paramref name="unit"/>'s input.</summary>
    public static DieReference ToInfoOffset(int position, int offsetSize, int unit, uint unitOffset) =>
        new(position, InfoOffset(offsetSize), unit, unitOffset);

    /// <summary>For a unit-relative reference, the DIE's index in its unit.</summary>
    public int Die => IsUnitRelative ? (int)Target : throw new InvalidOperationException("a .debug_info offset reference names its DIE by input offset");

    private static bool IsUnitRelativeEncoding(ReferenceEncoding encoding) =>
        encoding is ReferenceEncoding.Unit4 or ReferenceEncoding.Unit2 or ReferenceEncoding.UnitUleb4;

    public bool IsUnitRelative => IsUnitRelativeEncoding(Encoding);

    public static ReferenceEncoding InfoOffset(int offsetSize) => offsetSize == 8 ? ReferenceEncoding.Info8 : ReferenceEncoding.Info4;

    public int Size => Encoding switch
    {
        ReferenceEncoding.Unit2 => 2,
        ReferenceEncoding.Info8 => 8,
        _ => 4,
    };
}
