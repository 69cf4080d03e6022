using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Merging;

/// <summary>
/// What the tables written after the merge (aranges, name and package indexes) and the
/// references of later units need of a merged unit, once its bytes have gone to the output.
/// </summary>
public sealed class MergedUnit
{
    private static readonly OutputSection[] Sections = Enum.GetValues<OutputSection>();

    private readonly int[] _sizes;

    public MergedUnit(UnitOutput output)
    {
        UnitIndex = output.UnitIndex;
        InTypesSection = output.InTypesSection;
        IsCompileUnit = output.IsCompileUnit;
        CodeRanges = output.CodeRanges;
        DieOffsets = output.DieOffsetMap;
        _sizes = new int[Sections.Length];
        foreach (var section in Sections)
            _sizes[(int)section] = section == OutputSection.Abbrev ? output.Abbrev.Length : output.Buffer(section)?.Position ?? 0;
        if (InTypesSection)
            _sizes[(int)OutputSection.Info] = 0;
        else
            _sizes[(int)OutputSection.Types] = 0;
    }

    public int UnitIndex { get; }
    public bool InTypesSection { get; }
    public bool IsCompileUnit { get; }
    /// <summary>The unit's new code ranges (compile units only).</summary>
    public List<AddressRange> CodeRanges { get; }
    /// <summary>Where the unit's input DIEs are in the output unit.</summary>
    public DieOffsetMap DieOffsets { get; }

    /// <summary>The size of the unit's own contribution to a section (its abbreviation table's, even when shared); 0 for none.</summary>
    public int SizeOf(OutputSection section) => _sizes[(int)section];

    /// <summary>The unit's size in .debug_info (or .debug_types), header included.</summary>
    public int InfoSize => SizeOf(InTypesSection ? OutputSection.Types : OutputSection.Info);
}
