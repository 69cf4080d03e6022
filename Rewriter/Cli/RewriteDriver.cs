using Rewriter.Analysis;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;
using Rewriter.Elf.Writing;
using Rewriter.Model;
using Rewriter.Profile;
using Rewriter.Reports;

namespace Rewriter.Cli;

/// <summary>
/// The composition root of a rewrite: read the input, analyse it, attach the profile, report,
/// write the output. Code does not move yet, so the output is the identity rewrite and the debug
/// sections stay valid as they are.
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

        if (options.NeedsAnalysis)
        {
            var context = timer.Measure("analyse functions", () => BinaryAnalysis.Run(elf, options.ThreadCount, log));
            if (profile != null)
                timer.Measure("attach profile", () => ProfileAttacher.Attach(context, profile, log));
            Report(context);
        }

        var request = new ElfRewriteRequest { ForceNewSegment = options.ForceNewSegment };
        timer.Measure("write output", () =>
        {
            using var output = OutputFile.Create(options.Output, options.Input);
            new ElfWriter(elf, request).Write(output.Stream);
            output.Commit(File.GetUnixFileMode(options.Input));
        });

        log.Info($"wrote {options.Output}");
        if (options.TimeRewrite)
            timer.WriteTable(diagnostics);
    }

    private void Report(BinaryContext context)
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
