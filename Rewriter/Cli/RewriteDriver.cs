using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;
using Rewriter.Elf.Writing;

namespace Rewriter.Cli;

/// <summary>
/// The composition root of a rewrite: read the input, decide what changes, write the output.
/// Code does not move yet, so the rewrite is the identity and the debug sections stay valid as
/// they are.
/// </summary>
public sealed class RewriteDriver(RewriteOptions options, Log log, TextWriter diagnostics)
{
    public void Run()
    {
        var timer = new PhaseTimer();
        using var elf = timer.Measure("read ELF", () => ElfFile.Open(options.Input));
        timer.Measure("check tables", () => InputChecks.Run(elf, log));

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
}
