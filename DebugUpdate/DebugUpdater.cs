using System.Diagnostics;
using Rewriter.Common.Spooling;
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
    /// <summary>The skeleton units of a program (split DWARF): what names the .dwo file or package each one's split unit is in.</summary>
    public static IReadOnlyList<SkeletonUnit> FindSkeletons(DebugSections input)
    {
        // PERF: DWARF 5 says so in the unit headers; only a DWARF 4 unit's root DIE may name a
        // GNU dwo_id. Opening the units parses every abbreviation table (on gdb 75 ms), which
        // the update does again.
        var headers = UnitHeaderReader.ReadAll(input.View(DebugSectionNames.Info), isTypesSection: false, isSplitSection: false);
        if (!headers.Any(h => h.UnitType == DwUnitType.Skeleton || h.Version < 5))
            return [];
        return DwarfFile.Open(input).Units
            .Where(u => u.Header.UnitType == DwUnitType.Skeleton && u.DwoId is not null)
            .Select(u => new SkeletonUnit(u.Index, u.DwoId!.Value, u.DwoName, u.CompilationDirectory, u.Offset))
            .ToList();
    }

    /// <param name="split">the .dwo files (or .dwp package) of a split-DWARF program, and the new names of the rewritten .dwo files</param>
    /// <param name="spool">where the program's rebuilt units stream as they are merged (the sections returned read them from there); null keeps them in memory</param>
    public static DebugUpdateResult Update(DebugSections input, CodeAddressMap map, DebugUpdateOptions options, SplitDwarfInput? split = null,
        SpoolFile? spool = null)
    {
        var clock = Stopwatch.StartNew();
        split ??= SplitDwarfInput.None;
        var file = DwarfFile.Open(input, split.Files, options.ThreadCount);
        foreach (var unit in file.Units)
        {
            if (unit.Header.UnitType == DwUnitType.Skeleton && unit.SplitUnit is null)
                throw unit.Info.Error(unit.Offset, $"the split unit of this skeleton (dwo_id 0x{unit.DwoId:x16}, {unit.DwoName}) is in no .dwo file or package given");
            if (unit.Header.UnitType is DwUnitType.SplitCompile or DwUnitType.SplitType)
                throw unit.Info.Error(unit.Offset, "a split unit in a program's .debug_info is not supported");
        }
        var splitOutputs = new IReadOnlyDictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>>?[file.SplitFiles.Count];
        // A package's units, rebuilt one by one (its compile units with their skeletons), merged at the end.
        var packageUnits = file.SplitFiles.Select(f => f.IsPackage ? new UnitOutput[f.Units.Count] : null).ToArray();
        var shared = SharedContributions.Find(file);
        var buckets = UnitPartitioner.Partition(file, shared);
        var indexes = IndexUpdate.Plan(file, options.CreateDebugNames);
        var partition = clock.Elapsed;

        var warnings = new DebugUpdateWarnings();
        var strings = new AddedStrings((ulong)input.Get(DebugSectionNames.Str).Length);
        // Finished buckets are merged as they come: units stream out in order, and their input pages are given back.
        var merger = new DebugMerger(file, strings, spool);
        var inputRelease = new WrittenInputRelease(file, input);
        var mergeLock = new object();
        var mergeTime = TimeSpan.Zero;
        var unitWork = default(UnitWork);
        var unitIndexes = new UnitIndexes[file.Units.Count];
        var bucketTimes = new TimeSpan[buckets.Count];
        var work = BucketWork(file, buckets);
        var order = StartOrder(work);
        WorkerThreads.Run(order, options.ThreadCount, (b, scratch) =>
        {
            var bucketClock = Stopwatch.StartNew();
            var outputs = new UnitOutput[buckets[b].Length];
            Dictionary<int, SharedAddressTable>? sharedTables = null; // by owner unit
            for (int i = 0; i < buckets[b].Length; i++)
            {
                int u = buckets[b][i];
                var unit = file.Units[u];
                SharedAddressTable? sharedAddresses = null;
                // The partition put every unit naming the table into this bucket, the owner (the first) before the others.
                if (shared.SharesAddressTable(unit, out int tableOwner) && !(sharedTables ??= []).TryGetValue(tableOwner, out sharedAddresses))
                    sharedTables.Add(tableOwner, sharedAddresses = new SharedAddressTable(file.Units[tableOwner]));
                var context = new UnitRewriteContext(unit, map, warnings, scratch, sharedAddresses: sharedAddresses)
                {
                    SharesRangeLists = shared.SharesRangeLists(unit),
                    SharesLocationLists = shared.SharesLocationLists(unit),
                };
                int owner = shared.LineTableOwner(unit);
                var line = owner == u ? LineTableRewriter.Rewrite(unit, map, scratch) : null;
                SkeletonShare? share = null;
                UnitOutput? splitOutput = null;
                List<UnitNames>? foreignTypeUnits = null;
                if (unit.SplitUnit is { } splitUnit)
                {
                    var (baseAddress, lowestAddress) = UnitRewriter.OutputRootAddresses(context, options);
                    share = new SkeletonShare(context.Addresses, new ListWriter(context), baseAddress, lowestAddress);
                    int fileIndex = IndexOf(file.SplitFiles, splitUnit.File);
                    var package = packageUnits[fileIndex];
                    if (package is not null ? package[splitUnit.Index] is not null : splitOutputs[fileIndex] is not null)
                        throw unit.Info.Error(unit.Offset, $"a second skeleton names the split unit of dwo_id 0x{unit.DwoId:x16}");
                    if (package is not null)
                        splitOutput = package[splitUnit.Index] = SplitFileUpdater.RewriteSplitUnit(splitUnit, share, map, warnings, scratch, options);
                    else
                        (splitOutputs[fileIndex], splitOutput) = SplitFileUpdater.RewriteFile(splitUnit, share, map, warnings, scratch, options,
                            (typeUnit, output) =>
                            {
                                if (indexes.CollectForeignTypeUnit(unit, typeUnit, output) is { } names)
                                    (foreignTypeUnits ??= []).Add(names);
                            });
                }
                outputs[i] = UnitRewriter.Rewrite(context, options, owner, line, share, split.NewDwoName(unit.Index));
                // A skeleton's names are its split unit's (still indexed here).
                unitIndexes[u] = indexes.Collect(unit, outputs[i], unit.SplitUnit, splitOutput, foreignTypeUnits);
                unit.SplitUnit?.ReleaseDies();
            }
            // A shared address table, complete once the last of its units is rebuilt.
            if (sharedTables is not null)
                foreach (var table in sharedTables.Values)
                    table.Write();
            // Nothing outside the bucket refers to its units by ref_addr: their DIE indexes are done
            // with. A type unit's may still be read by another bucket's name collection (a
            // ref_sig8 specification or abstract origin), so its storage is left to the GC, not
            // handed back to the pool while that reader holds it.
            foreach (int u in buckets[b])
                file.Units[u].ReleaseDies(returnStorage: !file.Units[u].Header.IsTypeUnit);
            var built = bucketClock.Elapsed;
            IReadOnlyList<UnitOutput> unspooled;
            lock (mergeLock)
            {
                long mergeStart = Stopwatch.GetTimestamp();
                foreach (var output in outputs)
                {
                    unitWork += output.Work;
                    merger.Add(output);
                }
                unspooled = merger.TakeUnspooled();
                inputRelease.UpTo(merger.WrittenUnits);
                mergeTime += Stopwatch.GetElapsedTime(mergeStart);
            }
            // PERF: the copy to the spool, most of the merge's time, runs in parallel: the bucket's own work.
            long spoolStart = Stopwatch.GetTimestamp();
            merger.Spool(unspooled);
            bucketTimes[b] = built + Stopwatch.GetElapsedTime(spoolStart);
        });
        var packageTypeUnits = new List<UnitNames>();
        for (int f = 0; f < packageUnits.Length; f++)
            if (packageUnits[f] is { } package)
            {
                var typeUnitNames = new UnitNames?[package.Length];
                splitOutputs[f] = SplitFileUpdater.FinishPackage(file.SplitFiles[f], package, map, warnings, options,
                    (typeUnit, output) => typeUnitNames[typeUnit.Index] = indexes.CollectPackageTypeUnit(typeUnit, output));
                packageTypeUnits.AddRange(typeUnitNames.OfType<UnitNames>());
            }
        var build = clock.Elapsed - partition;

        var merged = merger.Finish(keepAranges: options.KeepAranges || input.Contains(DebugSectionNames.Aranges));
        var sections = merged.Sections;
        var splitSections = splitOutputs.Select((s, i) => s ?? throw new InvalidOperationException($"no skeleton names the split units of {file.SplitFiles[i].Sections.File}")).ToList();
        var rebuiltIndexes = indexes.Write(merged.Units, unitIndexes, merged.UnitOffsets(), strings, packageTypeUnits);
        foreach (var (name, chunks) in rebuiltIndexes.Sections)
            sections[name] = chunks;
        if (!strings.Bytes.IsEmpty)
            sections[DebugSectionNames.Str] = [input.Get(DebugSectionNames.Str), strings.Bytes];
        var dropped = new List<string>(rebuiltIndexes.Dropped);
        var notes = new List<string>(warnings.Lines());
        notes.AddRange(rebuiltIndexes.Notes);
        var finish = clock.Elapsed - partition - build;
        var merge = finish + mergeTime; // with the merging done while buckets were built

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
        var framesTime = clock.Elapsed - partition - build - finish;

        long total = 0;
        foreach (long bytes in work)
            total += bytes;
        var bucketStatistics = buckets.Select((b, i) =>
            new BucketStatistics(BucketName(file, b), b.Length, total == 0 ? 0 : (double)work[i] / total, bucketTimes[i])).ToArray();
        var statistics = new DebugUpdateStatistics(file.Units.Count, bucketStatistics, partition, build, merge) { Frames = framesTime, StreamedMerge = mergeTime, Work = unitWork };
        return new DebugUpdateResult(sections, dropped, notes, statistics) { SplitFiles = splitSections };
    }

    /// <summary>Each bucket's bytes of .debug_info (and of its split units' .debug_info.dwo).</summary>
    private static long[] BucketWork(DwarfFile file, List<int[]> buckets)
    {
        var work = new long[buckets.Count];
        for (int b = 0; b < buckets.Count; b++)
            foreach (int u in buckets[b])
            {
                work[b] += file.Units[u].Header.Size;
                if (file.Units[u].SplitUnit is { } splitUnit)
                    foreach (var unit in splitUnit.File.Units)
                        work[b] += unit.Header.Size;
            }
        return work;
    }

    /// <summary>
    /// The order buckets start in: unit order, one at a time, so units reach the merge about in
    /// order and few wait there; PERF: the largest first, so it does not run alone at the end.
    /// (Loops, not LINQ: the LINQ iterators over longs and ints are generic code the precompiled image lacks.)
    /// </summary>
    private static int[] StartOrder(long[] work)
    {
        int largest = 0;
        for (int b = 1; b < work.Length; b++)
            if (work[b] > work[largest])
                largest = b;
        var order = new int[work.Length];
        for (int b = 0, next = 1; b < work.Length; b++)
            if (b != largest)
                order[next++] = b;
        if (work.Length > 0)
            order[0] = largest;
        return order;
    }

    /// <summary>What a bucket is called in reports: its first unit's name (a skeleton's is its split unit's), and how many more it holds.</summary>
    private static string BucketName(DwarfFile file, int[] bucket)
    {
        var unit = file.Units[bucket[0]];
        string name = unit.Name ?? unit.SplitUnit?.Name ?? $"unit 0x{unit.Offset:x}";
        return bucket.Length > 1 ? $"{name} and {bucket.Length - 1} more" : name;
    }

    private static int IndexOf(IReadOnlyList<DwarfFile> files, DwarfFile file)
    {
        for (int i = 0; i < files.Count; i++)
            if (files[i] == file)
                return i;
        throw new InvalidOperationException("a split unit's file is not among the split files");
    }
}
