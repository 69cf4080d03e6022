namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// One (attribute, form) pair of an abbreviation, with what decoding needs precomputed for the
/// unit encoding: the value size (-1 when variable) and, for plain 1–8 byte integers, the kind.
/// </summary>
public readonly record struct AttributeSpec(DwAt Name, DwForm Form, long ImplicitConst, int FixedSize)
{
    /// <summary>The value kind when the form is a plain little-endian integer of FixedSize (1–8) bytes; null otherwise.</summary>
    public AttributeValueKind? IntegerKind { get; init; }
}
