namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// A unit's slice of .debug_str_offsets(.dwo): DW_FORM_strx* index it from DW_AT_str_offsets_base.
/// </summary>
public readonly struct StringOffsetsTable
{
    public StringOffsetsTable(SectionView section, ulong strOffsetsBase, int offsetSize)
    {
        Section = section;
        Base = strOffsetsBase;
        OffsetSize = offsetSize;
    }

    public SectionView Section { get; }
    public ulong Base { get; }
    public int OffsetSize { get; }

    public ulong Read(ulong index)
    {
        if (Section.IsEmpty)
            throw Section.Error(0, $"string index {index} used but the string offsets section is missing");
        ulong offset = Base + index * (ulong)OffsetSize;
        if (index > (ulong)Section.Length || offset > (ulong)Section.Length - (ulong)OffsetSize)
            throw Section.Error((long)Math.Min(Base, (ulong)Section.Length), $"string index {index} (base 0x{Base:x}) is outside the section");
        var cursor = Section.CursorAt((long)offset);
        return cursor.ReadOffset(OffsetSize);
    }

    /// <summary>Reads a DWARF 5 contribution header at <paramref name="offset"/>; returns the first entry's offset and the entry size.</summary>
    public static (long FirstEntry, int OffsetSize, long End) ReadHeader(SectionView section, long offset)
    {
        var cursor = section.CursorAt(offset);
        var (end, offsetSize) = cursor.ReadContributionStart(5, "contribution", section.Name);
        cursor.ReadU16(); // padding
        return (cursor.Position, offsetSize, end);
    }
}
