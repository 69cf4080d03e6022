using System.Diagnostics;
using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Frames;
using Rewriter.DebugUpdate.Indexes;
using Rewriter.DebugUpdate.Merging;
using Rewriter.DebugUpdate.Partitioning;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate;

/// <summary>
/// The debug update: input debug sections and the address map in, output sections out. Units are
/// partitioned into independent buckets, the buckets rebuilt in parallel, each with private
/// writers, and the results merged in unit order, so the output is the same for any thread count.
/// </summary>
public static class DebugUpdater
{
    public static DebugUpdateResult Update(DebugSections input, CodeAddressMap map, DebugUpdateOptions options)
    {
        var clock = Stopwatch.StartNew();
        var file = DwarfFile.Open(input);
        foreach (var unit in file.Units)
            if (unit.Header.UnitType is DwUnitType.Skeleton or DwUnitType.SplitCompile or DwUnitType.SplitType)
                throw unit.Info.Error(unit.Offset, "split DWARF (a skeleton unit) is not supported by --update-debug-sections yet");
        var buckets = UnitPartitioner.Partition(file);
        var lineOwners = LineTableOwners(file);
        var indexes = IndexUpdate.Plan(file, options.CreateDebugNames);
        var partition = clock.Elapsed;

        var warnings = new DebugUpdateWarnings();
        var outputs = new UnitOutput[file.Units.Count];
        var unitIndexes = new UnitIndexes[file.Units.Count];
        var bucketTimes = new TimeSpan[buckets.Count];
        var failures = new Exception?[buckets.Count];
        // PERF: the largest buckets start first, so a big one does not run alone at the end.
        var work = buckets.Select(b => b.Sum(u => file.Units[u].Header.Size)).ToArray(); // bytes of .debug_info
        var order = Enumerable.Range(0, buckets.Count).OrderByDescending(b => work[b]).ThenBy(b => b).ToArray();
        // Each worker reuses its WorkerScratch for every unit it rebuilds.
        Parallel.ForEach(order, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.ThreadCount) }, () => new WorkerScratch(), (b, loop, scratch) =>
        {
            var bucketClock = Stopwatch.StartNew();
            try
            {
                foreach (int u in buckets[b])
                {
                    var unit = file.Units[u];
                    var context = new UnitRewriteContext(unit, map, warnings, scratch);
                    int owner = unit.StmtList is { } stmtList ? lineOwners[stmtList] : -1;
                    var line = owner == u ? LineTableRewriter.Rewrite(unit, map, scratch.LineRows) : null;
                    outputs[u] = UnitRewriter.Rewrite(context, options, owner, line);
                    unitIndexes[u] = indexes.Collect(unit, outputs[u]);
                }
                // Nothing outside the bucket refers to its units: their DIE indexes are done with.
                foreach (int u in buckets[b])
                    file.Units[u].ReleaseDies();
            }
            catch (Exception e)
            {
                failures[b] = e;
            }
            bucketTimes[b] = bucketClock.Elapsed;
            return scratch;
        }, _ => { });
        // The first failure in bucket order, whatever thread met it first.
        foreach (var failure in failures)
            if (failure != null)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        var build = clock.Elapsed - partition;

        var sections = DebugMerger.Merge(file, outputs, keepAranges: options.KeepAranges || input.Contains(DebugSectionNames.Aranges), out var unitOffsets);
        var rebuiltIndexes = indexes.Write(outputs, unitIndexes, unitOffsets);
        foreach (var (name, chunks) in rebuiltIndexes.Sections)
            sections[name] = chunks;
        var dropped = new List<string>(rebuiltIndexes.Dropped);
        var notes = new List<string>(warnings.Lines());
        notes.AddRange(rebuiltIndexes.Notes);
        var merge = clock.Elapsed - partition - build;

        if (input.Contains(DebugFrameRewriter.SectionName))
        {
            var (frames, problem) = DebugFrameRewriter.Rewrite(input.Get(DebugFrameRewriter.SectionName), map, options.ThreadCount);
            if (frames is { } rebuilt)
                sections[DebugFrameRewriter.SectionName] = [rebuilt];
            else
            {
                dropped.Add(DebugFrameRewriter.SectionName);
                notes.Add($"{DebugFrameRewriter.SectionName} is left out: it cannot be rewritten for the new layout ({problem}), and a stale one would mislead debuggers");
            }
        }
        var framesTime = clock.Elapsed - partition - build - merge;

        long total = file.Units.Sum(u => u.Header.Size);
        var largest = order.Length > 0 ? (Units: buckets[order[0]].Length, Work: work[order[0]]) : default;
        var statistics = new DebugUpdateStatistics(file.Units.Count, buckets.Count, largest.Units,
            total == 0 ? 0 : (double)largest.Work / total, partition, build, merge, bucketTimes) { Frames = framesTime };
        return new DebugUpdateResult(sections, dropped, notes, statistics);
    }

    /// <summary>Each line table is rewritten once, by the first unit that names it.</summary>
    private static Dictionary<ulong, int> LineTableOwners(DwarfFile file)
    {
        var owners = new Dictionary<ulong, int>();
        foreach (var unit in file.Units)
            if (unit.StmtList is { } stmtList)
                owners.TryAdd(stmtList, unit.Index);
        return owners;
    }
}
