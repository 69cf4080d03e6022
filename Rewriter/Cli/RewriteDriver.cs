using Rewriter.Analysis;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;
using Rewriter.Elf.Writing;
using Rewriter.Emission;
using Rewriter.Model;
using Rewriter.Passes;
using Rewriter.Profile;
using Rewriter.Reports;

namespace Rewriter.Cli;

/// <summary>
/// The composition root of a rewrite: read the input, analyse it, attach the profile, decide the
/// layout, emit the moved code, write the output. With no layout option it is the identity
/// rewrite, and the debug sections stay valid as they are.
/// </summary>
public sealed class RewriteDriver(RewriteOptions options, Log log, TextWriter stdout, TextWriter diagnostics)
{
    public void Run()
    {
        var timer = new PhaseTimer();
        using var elf = timer.Measure("read ELF", () => ElfFile.Open(options.Input));
        timer.Measure("check tables", () => InputChecks.Run(elf, log));
        // Read the profile before the long analysis so a bad profile fails fast.
        var profile = options.ProfilePath is { } path ? timer.Measure("read profile", () => FdataReader.Read(path)) : null;

        var request = new ElfRewriteRequest { ForceNewSegment = options.ForceNewSegment };
        using var debug = new DebugOutputs();
        if (options.NeedsAnalysis)
        {
            var context = timer.Measure("analyse functions", () => Analyse(elf, profile));
            if (profile != null)
                timer.Measure("attach profile", () => ProfileAttacher.Attach(context, profile, log));
            ReportAnalysis(context);
            if (options.MovesCode && CanMoveCode(context))
                request = timer.Measure("layout and emit", () => LayOut(context, timer, debug));
        }

        timer.Measure("write output", () =>
        {
            // Every file is written completely before any is renamed into place: the rewritten
            // .dwo files first, then the program that names them.
            var companions = debug.Outcome?.Companions ?? [];
            var inputs = new InputFiles([options.Input, .. debug.Outcome?.SplitInputPaths ?? []]);
            var written = new List<(OutputFile File, UnixFileMode Mode)>();
            try
            {
                foreach (var companion in companions)
                {
                    var file = OutputFile.Create(companion.Path, inputs);
                    written.Add((file, File.GetUnixFileMode(companion.InputPath)));
                    new ElfWriter(companion.Source, companion.Request).Write(file.Stream, options.ThreadCount);
                }
                var output = OutputFile.Create(options.Output, inputs);
                written.Add((output, File.GetUnixFileMode(options.Input)));
                var result = new ElfWriter(elf, request).Write(output.Stream, options.ThreadCount);
                foreach (var (file, mode) in written)
                    file.Commit(mode);
                foreach (var companion in companions)
                    log.Info($"wrote {companion.Path}");
                if (result.NewBuildId != null)
                    log.Info($"build-id {result.OldBuildId} -> {result.NewBuildId}");
            }
            finally
            {
                foreach (var (file, _) in written)
                    file.Dispose();
            }
        });

        log.Info($"wrote {options.Output}");
        if (options.TimeRewrite)
            timer.WriteTable(diagnostics);
    }

    /// <summary>
    /// Without the static relocations kept by --emit-relocs, functions cannot move (not every
    /// reference to them can be found): they are rewritten in place where they fit, so function
    /// reordering is unavailable and only the rest of the layout happens.
    /// </summary>
    private bool CanMoveCode(BinaryContext context)
    {
        if (context.HasRelocations || options.Layout.ReorderFunctions == FunctionReorderAlgorithm.None)
            return true;
        log.Warning($"{options.Input} was not linked with --emit-relocs: function reordering needs its relocations (link with -Wl,--emit-relocs), so functions keep their order");
        return options.Layout.ReorderBlocks != BlockReorderAlgorithm.None || options.Layout.SplitFunctions;
    }

    /// <summary>The debug update's outcome, kept for the writer (it holds the opened split files).</summary>
    private sealed class DebugOutputs : IDisposable
    {
        public DebugUpdateOutcome? Outcome { get; set; }
        public void Dispose() => Outcome?.Dispose();
    }

    private ElfRewriteRequest LayOut(BinaryContext context, PhaseTimer timer, DebugOutputs debug)
    {
        var layoutOptions = context.HasRelocations ? options.Layout : options.Layout with { ReorderFunctions = FunctionReorderAlgorithm.None };
        var layout = new BinaryLayout(context);
        foreach (var timing in PassPipeline.Create(layoutOptions).Run(new PassContext(context, layout, layoutOptions, log, stdout)))
            timer.Record(timing.Name, timing.Elapsed);
        // Emission may drop the layout of a function it leaves untouched (non-relocation mode),
        // so the statistics after optimization come after it.
        var rewrite = CodeRewrite.Build(context, layout, options.Emission, keepDebugSections: options.UpdateDebugSections, log, timer);
        var request = rewrite.Request;
        if (options.UpdateDebugSections && rewrite.Code.Map.Count > 0)
        {
            debug.Outcome = DebugUpdateStep.Apply(context.Elf, request, rewrite.Code, options.DebugUpdate, options.SplitDwarf, options.Output, log, timer);
            request = debug.Outcome.Request;
        }
        if (options.DynoStats)
        {
            stdout.WriteLine("RW-INFO: program-wide dyno-stats after optimization:");
            stdout.WriteLine();
            DynoStats.Compute(context, layout).WriteTo(stdout, DynoStats.Compute(context));
            stdout.WriteLine();
        }
        return request with { ForceNewSegment = options.ForceNewSegment };
    }

    /// <summary>
    /// Discovers the functions and analyses them: all of them, or in lite mode (a profile and a
    /// layout to apply, as llvm-bolt does by default, on input with relocations) only those the
    /// profile names — the others have nothing to gain from a new layout and stay where they are.
    /// </summary>
    private BinaryContext Analyse(ElfFile elf, ProfileData? profile)
    {
        var context = Discovery.FunctionDiscovery.Discover(elf, log);
        Func<BinaryFunction, bool>? selected = null;
        // Without relocations every function is analysed: code we have not decoded could enter a
        // function in its middle, and then it must not be rewritten in place.
        if (profile != null && options.Lite && options.MovesCode && context.HasRelocations)
        {
            var inProfile = ProfileAttacher.FunctionsInProfile(context, profile);
            selected = function => inProfile[function.Id.Value];
        }
        BinaryAnalysis.Analyse(context, options.ThreadCount, selected);
        return context;
    }

    private void ReportAnalysis(BinaryContext context)
    {
        FunctionSummary.Report(context, log, options.PrintNonSimple ? stdout : null);
        if (options.PrintCfg)
            CfgPrinter.Print(context, stdout);
        if (options.DynoStats)
        {
            stdout.WriteLine("RW-INFO: program-wide dyno-stats before optimization:");
            stdout.WriteLine();
            DynoStats.Compute(context).WriteTo(stdout);
            stdout.WriteLine();
        }
    }
}
