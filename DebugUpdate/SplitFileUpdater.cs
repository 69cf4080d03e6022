using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Merging;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate;

/// <summary>
/// The split files of a program rebuilt: a .dwo file whole, in its skeleton's bucket (its split
/// compile unit with what the skeleton lends it, its type units alone, then its own merge); a
/// .dwp package unit by unit (its compile units in their skeletons' buckets), then its other
/// units and the merge of the whole package with its indexes.
/// </summary>
internal static class SplitFileUpdater
{
    /// <summary>
    /// Rebuilds every unit of a .dwo file (its split compile unit, with what its skeleton lends
    /// it, and its type units) and merges them into the file's new sections. The split unit's
    /// output is returned too, its DIE index still alive (for the skeleton's name index entries):
    /// the caller releases it. <paramref name="typeUnitRebuilt"/> sees each of the file's other
    /// units (its type units) while its DIE index is alive, for the name index.
    /// </summary>
    public static (IReadOnlyDictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> Sections, UnitOutput SplitUnit) RewriteFile(DwarfUnit splitUnit,
        SkeletonShare share, CodeAddressMap map, DebugUpdateWarnings warnings, WorkerScratch scratch, DebugUpdateOptions options,
        Action<DwarfUnit, UnitOutput>? typeUnitRebuilt = null)
    {
        var splitFile = splitUnit.File;
        var outputs = new UnitOutput[splitFile.Units.Count];
        foreach (var unit in splitFile.Units)
        {
            if (unit == splitUnit)
            {
                outputs[unit.Index] = RewriteSplitUnit(unit, share, map, warnings, scratch, options);
                continue;
            }
            outputs[unit.Index] = RewriteUnitAlone(unit, map, warnings, scratch, options);
            if (unit.Header.IsTypeUnit)
                typeUnitRebuilt?.Invoke(unit, outputs[unit.Index]);
        }
        var sections = DebugMerger.Merge(splitFile, outputs);
        foreach (var unit in splitFile.Units)
            if (unit != splitUnit)
                unit.ReleaseDies();
        return (sections, outputs[splitUnit.Index]);
    }

    /// <summary>A split compile unit, with what its skeleton lends it.</summary>
    public static UnitOutput RewriteSplitUnit(DwarfUnit unit, SkeletonShare share, CodeAddressMap map, DebugUpdateWarnings warnings,
        WorkerScratch scratch, DebugUpdateOptions options) =>
        UnitRewriter.Rewrite(new UnitRewriteContext(unit, map, warnings, scratch, share.Addresses), options, lineOwner: -1, line: null, share);

    /// <summary>A unit of a split file that no skeleton names (a type unit).</summary>
    private static UnitOutput RewriteUnitAlone(DwarfUnit unit, CodeAddressMap map, DebugUpdateWarnings warnings, WorkerScratch scratch,
        DebugUpdateOptions options) =>
        UnitRewriter.Rewrite(new UnitRewriteContext(unit, map, warnings, scratch), options, lineOwner: -1, line: null);

    /// <summary>
    /// A package's other units (its type units, and compile units no skeleton of the program names,
    /// which are copied through as they are rebuilt alone) in parallel, then the whole package merged.
    /// <paramref name="typeUnitRebuilt"/> sees each type unit while its DIE index is alive (from any thread).
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> FinishPackage(DwarfFile package, UnitOutput[] outputs,
        CodeAddressMap map, DebugUpdateWarnings warnings, DebugUpdateOptions options, Action<DwarfUnit, UnitOutput>? typeUnitRebuilt = null)
    {
        var rest = package.Units.Where(u => outputs[u.Index] is null).Select(u => u.Index).ToArray();
        WorkerThreads.Run(rest, options.ThreadCount, (u, scratch) =>
        {
            var unit = package.Units[u];
            if (unit.Header.UnitType == DwUnitType.SplitCompile || (!unit.Header.IsTypeUnit && unit.DwoId is not null))
                throw unit.Info.Error(unit.Offset, $"no skeleton unit of the program names this split unit (dwo_id 0x{unit.DwoId:x16}): the package is not the program's");
            outputs[u] = RewriteUnitAlone(unit, map, warnings, scratch, options);
            if (unit.Header.IsTypeUnit)
                typeUnitRebuilt?.Invoke(unit, outputs[u]);
            unit.ReleaseDies();
        });
        return DebugMerger.Merge(package, outputs);
    }
}
