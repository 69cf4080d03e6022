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

/// <summary>A reference written as a placeholder at <see cref="Position"/> of some output buffer, naming DIE <see cref="Die"/> of unit <see cref="Unit"/>.</summary>
public readonly record struct DieReference(int Position, ReferenceEncoding Encoding, int Unit, int Die)
{
    public bool IsUnitRelative => Encoding is ReferenceEncoding.Unit4 or ReferenceEncoding.Unit2 or ReferenceEncoding.UnitUleb4;

    public static ReferenceEncoding InfoOffset(int offsetSize) => offsetSize == 8 ? ReferenceEncoding.Info8 : ReferenceEncoding.Info4;

    public int Size => Encoding switch
    {
        ReferenceEncoding.Unit2 => 2,
        ReferenceEncoding.Info8 => 8,
        _ => 4,
    };
}
