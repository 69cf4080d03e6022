namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// One decoded attribute. Blocks and inline strings are not copied: <see cref="BlockOffset"/> and
/// <see cref="BlockLength"/> locate them in the unit's section (see <c>DwarfUnit.GetBlock</c>).
/// </summary>
public readonly record struct AttributeValue(
    DwAt Name,
    DwForm Form,
    AttributeValueKind Kind,
    ulong Value,
    int BlockOffset,
    int BlockLength)
{
    public long SignedValue => (long)Value;

    /// <summary>Section offset (in the unit's info section) where the value's bytes start.</summary>
    public int ValueOffset { get; init; }

    public bool IsBlock => Kind is AttributeValueKind.Block or AttributeValueKind.Expression or AttributeValueKind.InlineString;
}
