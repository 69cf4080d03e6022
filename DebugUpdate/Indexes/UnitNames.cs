using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Indexes;

/// <summary>
/// A DIE the name index lists: its unit-relative offset in the output unit, its tag, and where its
/// parent stands (<see cref="UnitNames.ParentNotIndexed"/>, <see cref="UnitNames.ParentUnknown"/>
/// or the position in <see cref="UnitNames.Dies"/> of its indexed parent).
/// </summary>
public readonly record struct IndexedDie(uint OutputOffset, DwTag Tag, int Parent);

/// <summary>
/// One name of an indexed DIE: a .debug_str offset, or (when <see cref="Added"/>) an index into
/// <see cref="UnitNames.AddedStrings"/> for a name .debug_str does not hold; its hash; its DIE's
/// position in <see cref="UnitNames.Dies"/>.
/// </summary>
public readonly record struct IndexedName(ulong String, bool Added, uint Hash, int Die);

/// <summary>
/// What one unit contributes to .debug_names, collected while its DIE index is alive and read by
/// the merge. Offsets are the output unit's. A split unit's names come from its .dwo unit's DIEs
/// and are listed under its skeleton's CU entry (<see cref="UnitIndex"/>); those of a type unit of
/// a .dwo file are a foreign type unit's (<see cref="ForeignSignature"/>).
/// </summary>
public sealed class UnitNames
{
    /// <summary>DW_IDX_parent with DW_FORM_flag_present: the parent is not indexed (the unit's root, a lexical block…).</summary>
    public const int ParentNotIndexed = -1;

    /// <summary>No DW_IDX_parent: the parent is a declaration, so the index says nothing about it (as LLVM does).</summary>
    public const int ParentUnknown = -2;

    /// <summary>The main-file unit whose CU or local TU entry the names are listed under.</summary>
    public required int UnitIndex { get; init; }
    public required bool IsTypeUnit { get; init; }
    /// <summary>For a type unit of a split file: its signature, which the index lists among its foreign type units.</summary>
    public ulong? ForeignSignature { get; init; }
    /// <summary>Indexed DIEs in DIE order; a parent always comes before its children.</summary>
    public required IndexedDie[] Dies { get; init; }
    /// <summary>Names in DIE order (a DIE's own name, then its linkage name).</summary>
    public required IndexedName[] Names { get; init; }
    public required byte[][] AddedStrings { get; init; }

    /// <summary>The same names under another unit's entry (a package's type unit, in each index that lists it).</summary>
    public UnitNames ListedUnder(int unitIndex) => new()
    {
        UnitIndex = unitIndex, IsTypeUnit = IsTypeUnit, ForeignSignature = ForeignSignature, Dies = Dies, Names = Names, AddedStrings = AddedStrings,
    };
}
