using Rewriter.Common;
using Rewriter.Common.Spooling;
using Rewriter.DebugUpdate;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Packaging;
using Rewriter.DebugUpdate.Reading;
using Rewriter.Diagnostics;
using Rewriter.Elf;
using Rewriter.Elf.Reading;
using Rewriter.Elf.Writing;
using Rewriter.Emission;

namespace Rewriter.Cli;

/// <summary>
/// --update-debug-sections after code moved: hands the input's debug sections (and its split
/// files') and the emitted code's address map to the debug update, and puts what it returns into
/// the output request and the requests of the rewritten split files.
/// </summary>
public static class DebugUpdateStep
{
    public static DebugUpdateOutcome Apply(ElfFile elf, ElfRewriteRequest request, EmittedCode code, DebugUpdateOptions options,
        SplitDwarfOptions splitOptions, string outputPath, Log log, PhaseTimer timer)
    {
        var input = timer.MeasureNested("read debug sections", () => DebugSectionLoader.Load(elf));
        // .debug_frame alone (CFI of assembly without other debug information) is updated too.
        if (!input.Contains(DebugSectionNames.Info) && !input.Contains(Rewriter.DebugUpdate.Frames.DebugFrameRewriter.SectionName))
            return new DebugUpdateOutcome(request, []);
        var splitFiles = timer.MeasureNested("read split DWARF", () => SplitDwarfFiles.Open(elf.Path, input, splitOptions.Search));
        var spool = OpenSpool(outputPath);
        try
        {
            var splitOutputs = SplitDwarfOutputs.Plan(splitFiles, splitOptions, outputPath);
            var map = timer.MeasureNested("debug address map", () => AddressMapAdapter.From(code.Map));
            var splitInput = new SplitDwarfInput(splitFiles.Files.Select(f => f.Sections).ToList(), splitOutputs.NewDwoNames);
            var result = timer.MeasureNested("debug update", () => DebugUpdater.Update(input, map, options, splitInput, spool));
            Report(result.Statistics, options, timer, log);
            foreach (var warning in result.Warnings)
                log.Warning(warning);

            var companions = new List<CompanionOutput>();
            if (splitOutputs.PackedPath is { } packagePath)
            {
                if (splitOptions.DwarfOutputPath is not null)
                    log.Warning($"--dwarf-output-path has no effect with --write-dwp: the package goes beside the output program, as {packagePath}");
                companions.Add(timer.MeasureNested("pack .dwp", () => Package(splitFiles, result, packagePath)));
            }
            else
                for (int i = 0; i < splitFiles.Files.Count; i++)
                {
                    var file = splitFiles.Files[i];
                    companions.Add(new CompanionOutput(splitOutputs.Paths[i], file.Path, file.Elf,
                        WithSections(file.Elf, new ElfRewriteRequest(), result.SplitFiles[i], [], SplitSectionFlags(file.Elf))));
                }
            return new DebugUpdateOutcome(WithSections(elf, request, result.Sections, result.DroppedSections, SectionFlags.None), companions, splitFiles, spool);
        }
        catch
        {
            splitFiles.Dispose();
            spool?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The spool the rebuilt units stream to, beside the output (its disk, not memory, holds them
    /// until the output is written); none when that directory takes no file, whose error the
    /// output's own write then reports.
    /// </summary>
    private static SpoolFile? OpenSpool(string outputPath)
    {
        try
        {
            return SpoolFile.Create(Path.GetDirectoryName(Path.GetFullPath(outputPath)) ?? ".");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// --write-dwp: the rewritten split units of every .dwo file packed into one package. The ELF
    /// container is the first .dwo file's, keeping only its string tables besides the package's sections.
    /// </summary>
    private static CompanionOutput Package(SplitDwarfFiles splitFiles, DebugUpdateResult result, string path)
    {
        var rewritten = new List<DebugSections>();
        for (int i = 0; i < splitFiles.Files.Count; i++)
        {
            var sections = splitFiles.Files[i].Sections.Clone();
            foreach (var (name, chunks) in result.SplitFiles[i])
                sections.Set(name, ByteChunks.Join(chunks));
            rewritten.Add(sections);
        }
        var package = DwpPacker.Pack(rewritten);
        var template = splitFiles.Files[0];
        var others = template.Elf.Sections
            .Where(s => s.Header.Type is not (SectionType.Null or SectionType.StrTab) && !package.ContainsKey(s.Name))
            .Select(s => s.Name).ToList();
        return new CompanionOutput(path, template.Path, template.Elf,
            WithSections(template.Elf, new ElfRewriteRequest(), package, others, SplitSectionFlags(template.Elf)));
    }

    /// <summary>The flags of a new section in a split file: those of its .debug_info.dwo (SHF_EXCLUDE).</summary>
    private static SectionFlags SplitSectionFlags(ElfFile splitFile) =>
        splitFile.FindSection(DebugSectionNames.Dwo(DebugSectionNames.Info))!.Header.Flags;

    /// <summary>The request with rebuilt sections replacing the input's (or added), and dropped ones removed.</summary>
    private static ElfRewriteRequest WithSections(ElfFile elf, ElfRewriteRequest request, IReadOnlyDictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> sections,
        IReadOnlyList<string> dropped, SectionFlags newSectionFlags)
    {
        var replaced = new Dictionary<int, SectionReplacement>(request.ReplacedSections);
        var removed = new HashSet<int>(request.RemovedSections);
        var added = new List<NewSection>(request.NewNonAllocatedSections);
        // PERF: names sorted as strings, not a LINQ ordering of the pairs (generic code the precompiled image lacks).
        var names = sections.Keys.ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        foreach (string name in names)
        {
            var chunks = sections[name];
            if (elf.FindSection(name) is { } section)
                replaced[section.Index] = Replacement(elf, section, chunks);
            else
                added.Add(new NewSection(name, SectionType.ProgBits, newSectionFlags, 0, 1, ByteChunks.Join(chunks)));
        }
        foreach (var name in dropped)
            if (elf.FindSection(name) is { } section)
                removed.Add(section.Index);
        return request with { ReplacedSections = replaced, RemovedSections = removed, NewNonAllocatedSections = added };
    }

    /// <summary>A compressed input section is written back compressed the same way (zlib or zstd).</summary>
    private static SectionReplacement Replacement(ElfFile elf, ElfSection section, IReadOnlyList<ReadOnlyMemory<byte>> chunks)
    {
        if ((section.Header.Flags & SectionFlags.Compressed) != 0
            && CompressionHeader.Read(elf.GetRawContents(section)) is { Type: CompressionType.Zlib or CompressionType.Zstd } header)
            return new SectionReplacement(SectionCompression.Compress(header.Type, chunks, header.Alignment), section.Header.Flags);
        return new SectionReplacement(chunks, section.Header.Flags & ~SectionFlags.Compressed);
    }

    private static void Report(DebugUpdateStatistics statistics, DebugUpdateOptions options, PhaseTimer timer, Log log)
    {
        timer.Record("debug: partition", statistics.Partition);
        timer.Record("debug: build buckets", statistics.Build);
        timer.Record("debug: merge", statistics.Merge);
        timer.Record("debug: .debug_frame", statistics.Frames);
        double largestShare = statistics.Largest?.Share ?? 0;
        var work = statistics.Work;
        log.Info($"debug update: {statistics.UnitCount} units in {statistics.Buckets.Count} buckets on {options.ThreadCount} threads; " +
            $"largest bucket {statistics.Largest?.Units ?? 0} units, {largestShare:P1} of .debug_info " +
            $"(bounds the build's speedup at {(largestShare > 0 ? 1 / largestShare : 1):0.#}x); " +
            $"{work.CopiedDies} of {work.Dies} DIEs and {work.CopiedLocationLists} of {work.LocationLists} location lists copied as they were; " +
            $"partition {statistics.Partition.TotalMilliseconds:0.0} ms, build {statistics.Build.TotalMilliseconds:0.0} ms, merge {statistics.Merge.TotalMilliseconds:0.0} ms ({statistics.StreamedMerge.TotalMilliseconds:0.0} ms of it during the build), .debug_frame {statistics.Frames.TotalMilliseconds:0.0} ms; " +
            $"measured speedup bound at 4/8/16/64 threads: {statistics.SpeedupBound(4):0.0}/{statistics.SpeedupBound(8):0.0}/{statistics.SpeedupBound(16):0.0}/{statistics.SpeedupBound(64):0.0}x" +
            (statistics.Slowest is { } slowest
                ? $"; slowest bucket {slowest.Time.TotalMilliseconds:0.0} ms, {slowest.Share:P1} of .debug_info ({slowest.Name})"
                : ""));
    }
}
