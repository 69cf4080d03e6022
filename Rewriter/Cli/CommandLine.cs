using System.Reflection;
using McMaster.Extensions.CommandLineUtils;
using Rewriter.Diagnostics;

namespace Rewriter.Cli;

/// <summary>
/// The options, spelled like llvm-bolt's where the meaning is the same. Options that are accepted
/// for compatibility but do nothing yet are hidden from --help and warn when used.
/// </summary>
public static class CommandLine
{
    public static CommandLineApplication Build(TextWriter stdout, TextWriter stderr)
    {
        var app = new CommandLineApplication
        {
            Name = "rewriter",
            Description = "A post-link optimizer for ELF x86-64 programs: lays code out again from a profile and keeps the debug information true.",
            Out = stdout,
            Error = stderr,
            ThrowOnUnexpectedArgument = true,
        };
        app.HelpOption("-h|--help");
        app.VersionOption("--version", () => $"rewriter {Version}");

        var input = app.Argument("INPUT", "the linked ELF x86-64 program or shared object to rewrite");
        var output = app.Option("-o|--output <FILE>", "the output file (written to a temporary file and renamed on success)", CommandOptionType.SingleValue);
        var updateDebug = app.Option("--update-debug-sections", "keep the DWARF debug information valid for the output (code does not move yet, so it is carried over unchanged)", CommandOptionType.NoValue);
        var verbose = app.Option("-v|--verbose", "print RW-INFO lines, and a stack trace for internal errors", CommandOptionType.NoValue);
        var timeRewrite = app.Option("--time-rewrite", "print time, allocation and peak memory for each phase", CommandOptionType.NoValue);
        var forceNewSegment = app.Option("--force-new-segment", "testing: add a new empty PT_LOAD segment with a relocated program-header table", CommandOptionType.NoValue);

        var data = app.Option("--data <FILE>", "the profile: .fdata from llvm-bolt -instrument or perf2bolt (branch or no_lbr samples)", CommandOptionType.SingleValue);
        var threadCount = app.Option("--thread-count <N>", "threads for disassembly and CFG building (default: the number of cores); results do not depend on it", CommandOptionType.SingleValue);
        var printCfg = app.Option("--print-cfg", "print every function's blocks, instructions, edges and counts", CommandOptionType.NoValue);
        var dynoStats = app.Option("--dyno-stats", "print llvm-bolt's dynamic statistics (executed instructions, branches, calls) from the profile", CommandOptionType.NoValue);
        var printNonSimple = app.Option("--print-non-simple", "list every function that is kept as it is, with the reason", CommandOptionType.NoValue);

        // Accepted for llvm-bolt compatibility; they do nothing until their issues land.
        var notYet = new[]
        {
            HiddenOption(app, "--debug-thread-count <N>", "debug update threads"),
        };

        VerifyDebugCommand.Register(app, stdout, stderr);

        app.OnExecute(() =>
        {
            if (input.Value is null)
            {
                app.ShowHelp();
                return 1;
            }
            if (!output.HasValue())
            {
                stderr.WriteLine($"rewriter: error: {input.Value}: command line: no output file given (-o FILE)");
                return 1;
            }
            var log = new Log(stderr, verbose.HasValue());
            foreach (var option in notYet.Where(o => o.HasValue()))
                log.Warning($"--{option.LongName} is not implemented yet and has no effect");
            int threads = Environment.ProcessorCount;
            if (threadCount.HasValue() && (!int.TryParse(threadCount.Value(), out threads) || threads < 1))
            {
                stderr.WriteLine($"rewriter: error: {input.Value}: command line: --thread-count needs a positive number, not '{threadCount.Value()}'");
                return 1;
            }
            var options = new RewriteOptions(input.Value, output.Value()!, forceNewSegment.HasValue(),
                updateDebug.HasValue(), verbose.HasValue(), timeRewrite.HasValue(), data.Value(), threads,
                printCfg.HasValue(), dynoStats.HasValue(), printNonSimple.HasValue());
            return ErrorReporting.Run(options.Input, options.Verbose, stderr, () => new RewriteDriver(options, log, stdout, stderr).Run());
        });
        return app;
    }

    public static string Version =>
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    private static CommandOption HiddenOption(CommandLineApplication app, string template, string description)
    {
        var option = app.Option(template, description, CommandOptionType.SingleValue);
        option.ShowInHelpText = false;
        return option;
    }
}
