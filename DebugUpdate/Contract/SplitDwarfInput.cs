using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Contract;

/// <summary>A skeleton unit of a split-DWARF program: its index among the program's units and what names its split unit.</summary>
public sealed record SkeletonUnit(int UnitIndex, ulong DwoId, string? DwoName, string? CompilationDirectory, long Offset);

/// <summary>
/// The split files of a program (each .dwo file the skeletons name) and, by skeleton unit index,
/// the dwo_name each skeleton gets in the output (the rewritten .dwo file has a new name, as the
/// input is never written over).
/// </summary>
public sealed record SplitDwarfInput(IReadOnlyList<DebugSections> Files, IReadOnlyDictionary<int, string> NewDwoNames)
{
    public static SplitDwarfInput None { get; } = new([], new Dictionary<int, string>());

    public string? NewDwoName(int skeletonUnitIndex) => NewDwoNames.TryGetValue(skeletonUnitIndex, out var name) ? name : null;
}
