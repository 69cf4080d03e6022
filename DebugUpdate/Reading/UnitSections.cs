namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// The sections (or .dwp contributions) a unit's attributes point into. For a split unit the
/// address-bearing ones (.debug_addr, and GNU .debug_ranges) come from the skeleton's file.
/// </summary>
public sealed record UnitSections
{
    public SectionView Str { get; init; }
    public SectionView LineStr { get; init; }
    public SectionView StrOffsets { get; init; }
    public SectionView Addr { get; init; }
    public SectionView Ranges { get; init; }
    public SectionView Rnglists { get; init; }
    public SectionView Loc { get; init; }
    public SectionView Loclists { get; init; }
    public SectionView Line { get; init; }

    public static UnitSections ForMainFile(DebugSections sections) => new()
    {
        Str = sections.View(DebugSectionNames.Str),
        LineStr = sections.View(DebugSectionNames.LineStr),
        StrOffsets = sections.View(DebugSectionNames.StrOffsets),
        Addr = sections.View(DebugSectionNames.Addr),
        Ranges = sections.View(DebugSectionNames.Ranges),
        Rnglists = sections.View(DebugSectionNames.Rnglists),
        Loc = sections.View(DebugSectionNames.Loc),
        Loclists = sections.View(DebugSectionNames.Loclists),
        Line = sections.View(DebugSectionNames.Line),
    };

    /// <summary>Sections of a .dwo file or package; <paramref name="row"/> narrows them to one unit's contributions.</summary>
    public static UnitSections ForSplitFile(DebugSections sections, DwpIndexRow? row)
    {
        SectionView View(DwSect column)
        {
            var view = sections.View(DebugSectionNames.Dwo(DebugSectionNames.Of(column)));
            if (row?.Find(column) is { } contribution)
                return view.Slice(contribution.Offset, contribution.Size);
            return view;
        }

        return new UnitSections
        {
            Str = sections.View(DebugSectionNames.Dwo(DebugSectionNames.Str)),
            LineStr = sections.View(DebugSectionNames.LineStr),
            StrOffsets = View(DwSect.StrOffsets),
            Rnglists = View(DwSect.Rnglists),
            Loc = View(DwSect.Loc),
            Loclists = View(DwSect.Loclists),
            Line = View(DwSect.Line),
        };
    }
}
