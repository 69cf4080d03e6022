using McMaster.Extensions.CommandLineUtils;
using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Verification;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;
using Rewriter.Model;

namespace Rewriter.Cli;

/// <summary>
/// `rewriter verify-debug ORIGINAL REWRITTEN`: proves that the rewritten program's debug
/// information says what the original's said, translated through the address map REWRITTEN
/// carries (the identity when it has none). Exit 0 when equal, 1 when anything differs, 2 when an
/// input cannot be read (one `rewriter: error:` line naming the file that is bad).
/// </summary>
public static class VerifyDebugCommand
{
    public static void Register(CommandLineApplication app, TextWriter stdout, TextWriter stderr)
    {
        app.Command("verify-debug", command =>
        {
            command.Description = "compare the debug information of a program before and after rewriting";
            command.HelpOption("-h|--help");
            var original = command.Argument("ORIGINAL", "the program before rewriting");
            var rewritten = command.Argument("REWRITTEN", "the program after rewriting");
            var split = command.Option("--split <FILE>", "a .dwo file or .dwp package of ORIGINAL (repeatable); without it, each program's split files are found as debuggers find them: the .dwo its skeleton units name, or PROGRAM.dwp beside it", CommandOptionType.MultipleValue);
            var threads = command.Option<int>("--thread-count <N>", "threads comparing units in parallel (default: the number of cores); the result never depends on it", CommandOptionType.SingleValue);
            var verbose = command.Option("-v|--verbose", "print RW-INFO lines, and a stack trace for internal errors", CommandOptionType.NoValue);
            command.OnExecute(() =>
            {
                if (original.Value is null || rewritten.Value is null)
                    throw new CommandLineException("verify-debug needs ORIGINAL and REWRITTEN (rewriter verify-debug ORIGINAL REWRITTEN [--split FILE ...])");
                var log = new Log(stderr, verbose.HasValue());
                int threadCount = threads.HasValue() ? threads.ParsedValue : 0;
                if (threads.HasValue() && threadCount < 1)
                {
                    stderr.WriteLine("rewriter: error: --thread-count must be at least 1");
                    return UnreadableInput;
                }
                bool differs = false;
                int status = ErrorReporting.Run(original.Value, verbose.HasValue(), stderr, () =>
                    differs = Verify(original.Value, rewritten.Value, split.Values.OfType<string>().ToList(), threadCount, log, stdout));
                return status != 0 ? UnreadableInput : differs ? 1 : 0;
            });
        });
    }

    /// <summary>The exit status for an input that cannot be read (1 means "differs").</summary>
    public const int UnreadableInput = 2;

    private static bool Verify(string originalPath, string rewrittenPath, List<string> splitPaths, int threadCount, Log log, TextWriter stdout)
    {
        var opened = new List<ElfFile>();
        var located = new List<SplitDwarfFiles>();
        try
        {
            // The split files a program's skeletons name (a rewritten program names rewritten ones).
            List<DebugSections> SplitFilesOf(ElfFile program, DebugSections sections)
            {
                var files = SplitDwarfFiles.Open(program.Path, sections, new SplitDwarfSearch());
                located.Add(files);
                return files.Files.Select(f => f.Sections).ToList();
            }
            ElfFile Open(string path, bool isSplitFile = false)
            {
                var elf = OpenElf(path, isSplitFile);
                opened.Add(elf);
                return elf;
            }
            // Each file's sections carry its path, so a DWARF error names the file that is bad.
            var givenSplitFiles = splitPaths.Select(path => DebugSectionLoader.Load(Open(path, isSplitFile: true))).ToList();
            var originalElf = Open(originalPath);
            var originalSections = DebugSectionLoader.Load(originalElf);
            var before = new DebugInput(originalSections, givenSplitFiles.Count > 0 ? givenSplitFiles : SplitFilesOf(originalElf, originalSections));
            // PERF: one file named twice is read once (the verifier then compares it with itself).
            bool sameFile = IsSameFile(originalPath, rewrittenPath);
            var rewrittenElf = sameFile ? originalElf : Open(rewrittenPath);
            DebugInput after = before;
            if (!sameFile)
            {
                var rewrittenSections = DebugSectionLoader.Load(rewrittenElf);
                // A rewritten program with no skeletons names no split files: then the given ones are its.
                var rewrittenSplitFiles = SplitFilesOf(rewrittenElf, rewrittenSections);
                after = new DebugInput(rewrittenSections, rewrittenSplitFiles.Count > 0 ? rewrittenSplitFiles : givenSplitFiles);
            }
            var map = Translator(rewrittenElf, log);
            var report = DebugVerifier.Compare(before, after, map, threadCount);
            report.WriteTo(stdout);
            return report.HasDifferences;
        }
        finally
        {
            foreach (var elf in opened)
                elf.Dispose();
            foreach (var files in located)
                files.Dispose();
        }
    }


    /// <summary>True when both paths name one existing file (a missing one is left for opening to report).</summary>
    private static bool IsSameFile(string first, string second)
    {
        try
        {
            return File.Exists(first) && File.Exists(second) && RealPath(first) == RealPath(second);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string RealPath(string path)
    {
        var file = new FileInfo(path);
        return Path.GetFullPath(file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file.FullName);
    }

    /// <summary>
    /// The address map a code-moving rewrite stored in its output; the identity when there is none
    /// (nothing moved).
    /// </summary>
    private static CodeAddressMap Translator(ElfFile rewritten, Log log)
    {
        if (rewritten.FindSection(AddressMap.SectionName) is not { } section)
        {
            log.Info($"{rewritten.Path}: no {AddressMap.SectionName} section, so no code moved: comparing addresses as they are");
            return CodeAddressMap.Identity;
        }
        var map = AddressMap.FromNote(rewritten.GetRawContents(section))
            ?? throw new InputFormatException(AddressMap.SectionName, "not an address map this version of the rewriter can read", rewritten.Path);
        log.Info($"{rewritten.Path}: comparing through its address map ({map.Count} instructions in {map.Fragments.Count} fragments)");
        return AddressMapAdapter.From(map);
    }

    /// <summary>Opens an ELF file; errors in a file other than the first argument name that file.</summary>
    private static ElfFile OpenElf(string path, bool isSplitFile)
    {
        try
        {
            return ElfFile.Open(path, allowRelocatable: isSplitFile);
        }
        catch (InputFormatException e)
        {
            e.AttachFile(path);
            throw;
        }
    }
}
