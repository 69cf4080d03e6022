using McMaster.Extensions.CommandLineUtils;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Verification;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;

namespace Rewriter.Cli;

/// <summary>
/// `rewriter verify-debug ORIGINAL REWRITTEN`: proves that the rewritten program's debug
/// information says what the original's said, translated through the address map. Exit 0 when
/// equal, 1 when anything differs (or the input is bad).
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
            var split = command.Option("--split <FILE>", "a .dwo file or .dwp package of the program (repeatable; FILE.dwp beside ORIGINAL is found by itself)", CommandOptionType.MultipleValue);
            var verbose = command.Option("-v|--verbose", "print RW-INFO lines, and a stack trace for internal errors", CommandOptionType.NoValue);
            command.OnExecute(() =>
            {
                if (original.Value is null || rewritten.Value is null)
                {
                    command.ShowHelp();
                    return 1;
                }
                var log = new Log(stderr, verbose.HasValue());
                bool differs = false;
                int status = ErrorReporting.Run(original.Value, verbose.HasValue(), stderr, () =>
                    differs = Verify(original.Value, rewritten.Value, split.Values.OfType<string>().ToList(), log, stdout));
                return status != 0 ? status : differs ? 1 : 0;
            });
        });
    }

    private static bool Verify(string originalPath, string rewrittenPath, List<string> splitPaths, Log log, TextWriter stdout)
    {
        string besideDwp = originalPath + ".dwp";
        if (splitPaths.Count == 0 && File.Exists(besideDwp))
            splitPaths.Add(besideDwp);

        var opened = new List<ElfFile>();
        try
        {
            DebugSections Open(string path)
            {
                var elf = OpenElf(path);
                opened.Add(elf);
                return DebugSectionLoader.Load(elf, log);
            }
            var splitFiles = splitPaths.Select(Open).ToList();
            var before = new DebugInput(Open(originalPath), splitFiles);
            var after = new DebugInput(Open(rewrittenPath), splitFiles);
            // The address map stored by code-moving rewrites is not written yet: the identity holds.
            var report = DebugVerifier.Compare(before, after, new IdentityTranslator());
            report.WriteTo(stdout);
            return report.HasDifferences;
        }
        finally
        {
            foreach (var elf in opened)
                elf.Dispose();
        }
    }

    /// <summary>Opens an ELF file; errors in a file other than the first argument name that file.</summary>
    private static ElfFile OpenElf(string path)
    {
        try
        {
            return ElfFile.Open(path);
        }
        catch (InputFormatException e) when (e.File == null)
        {
            throw new InputFormatException(e.Where, e.What, path);
        }
    }
}
