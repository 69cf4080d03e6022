using System.Reflection;
using McMaster.Extensions.CommandLineUtils;
using Rewriter.DebugUpdate.Contract;
using Rewriter.Diagnostics;
using Rewriter.Passes;

namespace Rewriter.Cli;

/// <summary>
/// The options, named like llvm-bolt's where the meaning is the same; <see cref="LlvmStyleArguments"/>
/// lets them be spelled as llvm-bolt's are. Options that are accepted for compatibility but do
/// nothing yet are hidden from --help and warn when used. Every mistake is a
/// <see cref="CommandLineException"/>, which <see cref="Program"/> prints as one line.
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
        var updateDebug = app.Option("--update-debug-sections", "keep the DWARF debug information true for the output: rebuilt for the new layout when code moves, carried over unchanged when nothing moves", CommandOptionType.NoValue);
        var verbose = app.Option("-v|--verbose[:<LEVEL>]", "print RW-INFO lines, and a stack trace for internal errors (-v, -v N or -v=N: any level from 1 prints them all; 0 prints none)", CommandOptionType.SingleOrNoValue);
        var timeRewrite = app.Option("--time-rewrite", "print time, allocation and peak memory for each phase", CommandOptionType.NoValue);
        var forceNewSegment = app.Option("--force-new-segment", "testing: add a new empty PT_LOAD segment (and a program header for it)", CommandOptionType.NoValue);

        var data = app.Option("-b|--data <FILE>", "the profile: .fdata from llvm-bolt -instrument or perf2bolt (branch or no_lbr samples)", CommandOptionType.SingleValue);
        var threadCount = app.Option("--thread-count <N>", "threads for disassembly, CFG building and code emission (default: the number of cores); results do not depend on it", CommandOptionType.SingleValue);
        var printCfg = app.Option("--print-cfg", "print every function's blocks, instructions, edges and counts", CommandOptionType.NoValue);
        var dynoStats = app.Option("--dyno-stats", "print llvm-bolt's dynamic statistics (executed instructions, branches, calls) from the profile", CommandOptionType.NoValue);
        var printNonSimple = app.Option("--print-non-simple", "list every function that is kept as it is, with the reason", CommandOptionType.NoValue);
        var reorderBlocks = app.Option("--reorder-blocks <ALGORITHM>", "block order in each function: none, reverse, ext-tsp (cache+), cluster-shuffle", CommandOptionType.SingleValue);
        var seed = app.Option("--seed <N>", "seed for --reorder-blocks=cluster-shuffle", CommandOptionType.SingleValue);
        var splitFunctions = app.Option("--split-functions", "move never-executed blocks to a cold fragment (name.cold.0 in .text.cold)", CommandOptionType.NoValue);
        var splitEh = app.Option("--split-eh", "with --split-functions: landing pads that never ran may go to the cold fragment too, with the blocks that throw to them", CommandOptionType.NoValue);
        var splitAllCold = app.Option("--split-all-cold", "with --split-functions: every never-executed block goes cold (what splitting does here anyway)", CommandOptionType.NoValue);
        var reorderFunctions = app.Option("--reorder-functions <ALGORITHM>", "function order in the new .text: none, exec-count, hfsort, cdsort, user", CommandOptionType.SingleValue);
        var functionOrder = app.Option("--function-order <FILE>", "with --reorder-functions=user: one function name per line", CommandOptionType.SingleValue);
        var alignFunctions = app.Option("--align-functions <N>", "alignment of each function in the new .text, a power of two (default 64)", CommandOptionType.SingleValue);
        var alignMaxBytes = app.Option("--align-functions-max-bytes <N>", "skip the alignment when it needs more padding than this (default 32)", CommandOptionType.SingleValue);
        var compactAligner = app.Option("--use-compact-aligner[:<BOOL>]", "pad a function to --align-functions only when that costs at most its own size too, else start it right after the previous one (default 1, as llvm-bolt); 0: any padding up to --align-functions-max-bytes, else a 16-byte boundary", CommandOptionType.SingleOrNoValue);
        var lite = app.Option("--lite[:<BOOL>]", "with a profile and a layout option: analyse and move only the functions the profile names (default 1, as llvm-bolt); --lite=0 processes every function", CommandOptionType.SingleOrNoValue);
        var printAfter = app.Option("--print-after <PASS>", "print the layout after a pass: reorder-blocks, split-functions, reorder-functions, validate-layout", CommandOptionType.SingleValue);

        var debugThreadCount = app.Option("--debug-thread-count <N>", "with --update-debug-sections: buckets of compile units rebuilt in parallel (default: the number of cores, at most --thread-count); the output does not depend on it", CommandOptionType.SingleValue);
        var alwaysConvertToRanges = app.Option("--always-convert-to-ranges", "with --update-debug-sections: describe every scope with DW_AT_ranges, even one whose code stayed contiguous", CommandOptionType.NoValue);
        var keepAranges = app.Option("--keep-aranges", "with --update-debug-sections: write .debug_aranges even when the input has none", CommandOptionType.NoValue);
        var dwp = app.Option("--dwp <FILE>", "with --update-debug-sections: the .dwp package of a split-DWARF program (default: PROGRAM.dwp beside it, when there is one)", CommandOptionType.SingleValue);
        var compDirOverride = app.Option("--comp-dir-override <DIR>", "with --update-debug-sections: look for the .dwo files in DIR instead of each unit's DW_AT_comp_dir", CommandOptionType.SingleValue);
        var dwarfOutputPath = app.Option("--dwarf-output-path <DIR>", "with --update-debug-sections: write the rewritten .dwo files into DIR (default: beside the originals, named after the output, foo.dwo -> foo.OUTPUT.dwo)", CommandOptionType.SingleValue);
        var writeDwp = app.Option("--write-dwp", "with --update-debug-sections: pack the rewritten split units of a program's .dwo files into one package, OUTPUT.dwp beside the output (no .dwo is written; the skeletons keep their dwo_name, and debuggers read OUTPUT.dwp first)", CommandOptionType.NoValue);
        var createDebugNames = app.Option("--create-debug-names-section", "with --update-debug-sections: write a .debug_names index even when the input has none", CommandOptionType.NoValue);
        // llvm-bolt's batches of compile units; buckets of related units replace them here.
        var cuBatchSize = HiddenOption(app, "--cu-processing-batch-size <N>", "accepted for llvm-bolt command lines; buckets replace batches");

        VerifyDebugCommand.Register(app, stdout, stderr);

        app.OnExecute(() =>
        {
            if (input.Value is null)
            {
                app.ShowHelp();
                return 1;
            }
            if (!output.HasValue())
                throw new CommandLineException("no output file given (-o FILE)");
            int verbosity = verbose.HasValue() ? verbose.Value() is { } level ? Count(verbose, level, 0) : 1 : 0;
            var log = new Log(stderr, verbosity > 0);
            if (cuBatchSize.HasValue())
                log.Warning("--cu-processing-batch-size has no effect: the debug update rebuilds buckets of related compile units in parallel (--debug-thread-count) instead of batches");
            int threads = threadCount.HasValue() ? Count(threadCount, threadCount.Value()!, 1) : Environment.ProcessorCount;
            var layout = new LayoutOptions
            {
                ReorderBlocks = reorderBlocks.HasValue() ? ParseBlocks(reorderBlocks.Value()!) : BlockReorderAlgorithm.None,
                Seed = seed.HasValue() ? Count(seed, seed.Value()!, 0) : 0,
                SplitFunctions = splitFunctions.HasValue() || splitAllCold.HasValue(),
                SplitAllCold = splitAllCold.HasValue(),
                SplitLandingPads = splitEh.HasValue(),
                ReorderFunctions = reorderFunctions.HasValue() ? ParseFunctions(reorderFunctions.Value()!) : FunctionReorderAlgorithm.None,
                FunctionOrderFile = functionOrder.Value(),
                AlignFunctions = alignFunctions.HasValue() ? PowerOfTwo(alignFunctions, alignFunctions.Value()!) : 64,
                AlignFunctionsMaxBytes = alignMaxBytes.HasValue() ? Count(alignMaxBytes, alignMaxBytes.Value()!, 0) : 32,
                CompactAlignment = !compactAligner.HasValue() || compactAligner.Value() is not { } compactValue
                    || LlvmStyleArguments.ParseBoolean(compactValue, "--use-compact-aligner"),
                PrintAfter = printAfter.HasValue() ? PassName(printAfter.Value()!) : null,
                ThreadCount = threads,
            };
            bool liteMode = !lite.HasValue() || lite.Value() is not { } liteValue || LlvmStyleArguments.ParseBoolean(liteValue, "--lite");
            int debugThreads = Math.Min(threads, Environment.ProcessorCount);
            if (debugThreadCount.HasValue())
            {
                int value = Count(debugThreadCount, debugThreadCount.Value()!, 1);
                debugThreads = threadCount.HasValue() ? Math.Min(value, threads) : value;
            }
            var debug = new DebugUpdateOptions
            {
                ThreadCount = debugThreads, AlwaysConvertToRanges = alwaysConvertToRanges.HasValue(), KeepAranges = keepAranges.HasValue(),
                CreateDebugNames = createDebugNames.HasValue(),
            };
            var options = new RewriteOptions(input.Value, output.Value()!, forceNewSegment.HasValue(),
                updateDebug.HasValue(), verbosity > 0, timeRewrite.HasValue(), data.Value(), threads,
                printCfg.HasValue(), dynoStats.HasValue(), printNonSimple.HasValue(), layout, liteMode, debug,
                new SplitDwarfOptions(new SplitDwarfSearch(dwp.Value(), compDirOverride.Value()), dwarfOutputPath.Value(), writeDwp.HasValue()));
            return ErrorReporting.Run(options.Input, options.Verbose, stderr, () => new RewriteDriver(options, log, stdout, stderr).Run());
        });
        return app;
    }

    public static string Version =>
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>A whole number of at least <paramref name="minimum"/>.</summary>
    private static int Count(CommandOption option, string text, int minimum) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, null, out int value) && value >= minimum ? value
            : throw new CommandLineException($"--{option.LongName} needs a whole number{(minimum > 0 ? $" of at least {minimum}" : "")}, not '{text}'");

    private static int PowerOfTwo(CommandOption option, string text)
    {
        int value = Count(option, text, 1);
        return (value & (value - 1)) == 0 ? value : throw new CommandLineException($"--{option.LongName} needs a power of two, not {value}");
    }

    private static BlockReorderAlgorithm ParseBlocks(string text) => LayoutOptions.ParseBlockAlgorithm(text)
        ?? throw new CommandLineException($"--reorder-blocks: unknown algorithm '{text}' (one of {string.Join(", ", LayoutOptions.BlockAlgorithmNames.Select(n => n.Name))})");

    private static FunctionReorderAlgorithm ParseFunctions(string text) => LayoutOptions.ParseFunctionAlgorithm(text)
        ?? throw new CommandLineException($"--reorder-functions: unknown algorithm '{text}' (one of {string.Join(", ", LayoutOptions.FunctionAlgorithmNames.Select(n => n.Name))})");

    private static string PassName(string text)
    {
        var names = PassPipeline.Create(new LayoutOptions()).Passes.Select(p => p.Name).ToList();
        return names.Contains(text) ? text : throw new CommandLineException($"--print-after: no pass named '{text}' (one of {string.Join(", ", names)})");
    }

    private static CommandOption HiddenOption(CommandLineApplication app, string template, string description)
    {
        var option = app.Option(template, description, CommandOptionType.SingleValue);
        option.ShowInHelpText = false;
        return option;
    }
}
