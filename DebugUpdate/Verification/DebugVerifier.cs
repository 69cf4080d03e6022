using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// The core of `rewriter verify-debug ORIGINAL REWRITTEN`: checks that the rewritten program's
/// debug information says what the original's said, translated through the address map — every
/// DIE of every unit (main, type and split) attribute by attribute, every line row, the index
/// sections (.debug_aranges, .debug_names, .gdb_index) against the DIEs, and .debug_frame's unwind rules. Unit pairs are compared in
/// parallel, each into a report of its own, merged in unit order: the result does not depend on the
/// thread count. Malformed DWARF on either side raises <see cref="DwarfFormatException"/> naming
/// the file of the sections it was read from (<see cref="DebugSections.File"/>).
/// When both sides' debug sections are byte for byte the same and no code moved (a rewrite that
/// changed nothing, or `verify-debug X X`), the original is compared with itself: one reading of
/// the sections serves both sides, and every check still runs on it (see
/// <see cref="DieAttributeComparer"/>), so a malformed input is rejected all the same.
/// </summary>
public static class DebugVerifier
{
    /// <summary>A thread count of 0 means one per core.</summary>
    private static int Threads(int threadCount) => threadCount > 0 ? threadCount : Environment.ProcessorCount;

    public static VerificationReport Compare(DebugInput original, DebugInput rewritten, CodeAddressMap map, int threadCount = 0)
    {
        int threads = Threads(threadCount);
        var originalFile = DwarfFile.Open(original.Main, original.SplitFiles, threads);
        var rewrittenFile = map.MovesNoCode && IdenticalDebugInputs.Same(original, rewritten)
            ? originalFile
            : DwarfFile.Open(rewritten.Main, rewritten.SplitFiles, threads);
        return Compare(originalFile, rewrittenFile, map, threadCount);
    }

    public static VerificationReport Compare(DwarfFile original, DwarfFile rewritten, CodeAddressMap map, int threadCount = 0)
    {
        var mapping = new AddressMapping(map);
        var report = new VerificationReport();
        if (original.Units.Count != rewritten.Units.Count)
            report.Add(DifferenceKind.Structure, "(file)", $"{rewritten.Units.Count} units in the output, {original.Units.Count} in the original");

        var pairs = Pairs(original, rewritten, report);
        int mainCount = Math.Min(original.Units.Count, rewritten.Units.Count);
        var originalUnitRanges = new List<AddressRange>?[original.Units.Count];
        var rewrittenUnitRanges = new List<AddressRange>?[rewritten.Units.Count];
        var reports = new VerificationReport[pairs.Count];
        var failures = new Exception?[pairs.Count];

        var options = new ParallelOptions { MaxDegreeOfParallelism = Threads(threadCount) };
        Parallel.For(0, pairs.Count, options,
            () => (Dies: new DieTreeComparer(mapping), Lines: new LineTableComparer(mapping)),
            (i, loop, comparers) =>
            {
                var (before, after) = pairs[i];
                var pairReport = new VerificationReport();
                try
                {
                    comparers.Lines.Compare(before, after, pairReport);
                    comparers.Dies.CompareUnits(before, after, pairReport);
                    if (!before.IsSplit)
                    {
                        originalUnitRanges[before.Index] = before.GetRanges(0);
                        rewrittenUnitRanges[after.Index] = ReferenceEquals(before, after) ? originalUnitRanges[before.Index] : after.GetRanges(0);
                    }
                }
                catch (Exception e)
                {
                    failures[i] = e;
                    loop.Break(); // every lower pair still runs, so the lowest failure is the one reported
                    return (new DieTreeComparer(mapping), new LineTableComparer(mapping)); // its buffers may be half way
                }
                // PERF: a unit's DIE index is dropped as soon as its pair is done: memory stays bounded by the threads' units.
                before.ReleaseDies();
                after.ReleaseDies();
                HeapBound.Check();
                reports[i] = pairReport;
                return comparers;
            },
            _ => { });
        // The first unit's error, whatever the thread count.
        if (failures.FirstOrDefault(e => e is not null) is { } failure)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        foreach (var pairReport in reports)
            report.Merge(pairReport);

        CompareIndexSections(original, rewritten, originalUnitRanges, rewrittenUnitRanges, mapping, report);
        CallFrameComparer.Compare(original.Sections, rewritten.Sections, map, report);
        return report;
    }

    /// <summary>Unit pairs: main units by position, split compile units through their skeletons, split type units by signature.</summary>
    private static List<(DwarfUnit Original, DwarfUnit Rewritten)> Pairs(DwarfFile original, DwarfFile rewritten, VerificationReport report)
    {
        var pairs = new List<(DwarfUnit, DwarfUnit)>();
        int count = Math.Min(original.Units.Count, rewritten.Units.Count);
        for (int i = 0; i < count; i++)
        {
            var before = original.Units[i];
            var after = rewritten.Units[i];
            if (before.Header.UnitType != after.Header.UnitType || before.RootTag != after.RootTag)
            {
                report.Add(DifferenceKind.Structure, DiePaths.Of(before, 0), $"unit {i} is a {after.Header.UnitType} unit in the output, {before.Header.UnitType} in the original");
                continue;
            }
            pairs.Add((before, after));
            if (before.SplitUnit is { } splitBefore)
            {
                if (after.SplitUnit is { } splitAfter)
                    pairs.Add((splitBefore, splitAfter));
                else
                    report.Add(DifferenceKind.Structure, DiePaths.Of(before, 0), "the output's split unit was not found (missing .dwo/.dwp or dwo_id changed)");
            }
        }
        foreach (var split in original.SplitFiles)
        {
            foreach (var unit in split.Units)
            {
                if (!unit.Header.IsTypeUnit)
                    continue;
                if (rewritten.FindTypeUnit(unit.Header.TypeSignature) is { } counterpart)
                    pairs.Add((unit, counterpart));
                else
                    report.Add(DifferenceKind.Structure, DiePaths.Of(unit, 0), $"type unit 0x{unit.Header.TypeSignature:x16} is missing from the output");
            }
        }
        return pairs;
    }

    private static void CompareIndexSections(DwarfFile original, DwarfFile rewritten, List<AddressRange>?[] originalUnitRanges,
        List<AddressRange>?[] rewrittenUnitRanges, AddressMapping mapping, VerificationReport report)
    {
        bool hadAranges = original.Sections.Contains(DebugSectionNames.Aranges);
        bool hasAranges = rewritten.Sections.Contains(DebugSectionNames.Aranges);
        if (hadAranges || hasAranges)
        {
            if (hadAranges && !hasAranges)
                report.Add(DifferenceKind.Aranges, DebugSectionNames.Aranges, "the output has no .debug_aranges; the original had one");
            else
                CuAddressTableComparer.Compare(DifferenceKind.Aranges, DebugSectionNames.Aranges,
                    CuAddressTableComparer.ArangesByUnit(original, "original", report), CuAddressTableComparer.ArangesByUnit(rewritten, "output", report),
                    originalUnitRanges, rewrittenUnitRanges, rewritten, mapping, report);
        }
        NameIndexComparer.Compare(original, rewritten, report);
        PubNamesComparer.Compare(original, rewritten, report);
        GdbIndexComparer.Compare(original, rewritten, originalUnitRanges, rewrittenUnitRanges, mapping, report);
        foreach (var unit in original.Units) unit.ReleaseDies();
        foreach (var unit in rewritten.Units) unit.ReleaseDies();
    }
}
