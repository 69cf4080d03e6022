namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// One (attribute, form) pair of an abbreviation, with what decoding needs precomputed for the
/// unit encoding: the value size (-1 when variable) and, for plain 1–8 byte integers, the kind.
/// </summary>
// PERF: laid out by the runtime, 24 bytes, not 32 in declaration order: every abbreviation of every
// unit is held through the update (gdb: 0.8 million specs, parsed before the first bucket starts).
[System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Auto)]
public readonly record struct AttributeSpec(DwAt Name, DwForm Form, long ImplicitConst, int FixedSize)
{
    /// <summary>The value kind when the form is a plain little-endian integer of FixedSize (1–8) bytes; null otherwise.</summary>
    public AttributeValueKind? IntegerKind { get; init; }

    /// <summary>The value kind when the form is a plain ULEB128 (udata, ref_udata, strx, addrx, rnglistx, loclistx and the GNU indexes); null otherwise.</summary>
    public AttributeValueKind? UlebKind { get; init; }

    /// <summary>
    /// Where the value starts, counted from the end of the DIE's abbreviation code, when every
    /// earlier attribute of the abbreviation has a fixed size; -1 otherwise.
    /// </summary>
    public int FixedOffset { get; init; }
}
