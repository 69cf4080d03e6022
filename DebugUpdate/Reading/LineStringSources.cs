namespace Rewriter.DebugUpdate.Reading;

/// <summary>Where a DWARF 5 line-table header finds its strings (line_strp, strp, strx forms).</summary>
public readonly record struct LineStringSources(SectionView Str, SectionView LineStr, StringOffsetsTable? StrOffsets);
