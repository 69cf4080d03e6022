using System.Collections.Concurrent;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>
/// A program compiled with clang-22 at test time into a private temp directory, with its debug
/// sections (and .dwo files / .dwp package for split DWARF). Builds are cached per configuration.
/// </summary>
internal sealed class CompiledProgram
{
    private static readonly ConcurrentDictionary<string, Lazy<CompiledProgram>> Cache = new();
    private static readonly string Root = Path.Combine(Path.GetTempPath(), $"dwarf-tests-{Environment.ProcessId}");

    public required string Executable { get; init; }
    public required DebugSections Sections { get; init; }
    public required List<DebugSections> SplitFiles { get; init; }
    public required List<string> SplitPaths { get; init; }

    public DwarfFile Open() => DwarfFile.Open(Sections, SplitFiles);

    /// <summary>Compiles (once per distinct configuration) and loads the result.</summary>
    public static CompiledProgram Get(SampleSources.Language language, string flags, bool makeDwp = false) =>
        Cache.GetOrAdd($"{language}|{flags}|{makeDwp}", key => new Lazy<CompiledProgram>(() => Build(key, language, flags, makeDwp))).Value;

    private static CompiledProgram Build(string key, SampleSources.Language language, string flags, bool makeDwp)
    {
        var dir = Path.Combine(Root, Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..12]);
        Directory.CreateDirectory(dir);
        var sources = SampleSources.Write(language, dir);
        string compiler = language == SampleSources.Language.C ? Tools.Clang : Tools.Clangxx;
        var arguments = new List<string>(flags.Split(' ', StringSplitOptions.RemoveEmptyEntries)) { "-fuse-ld=lld-22" };
        if (Tools.Find("ld.lld-22") is null)
            arguments.RemoveAt(arguments.Count - 1);
        arguments.AddRange(sources);
        arguments.AddRange(["-o", "prog"]);
        Tools.Run(compiler, dir, [.. arguments]);
        string exe = Path.Combine(dir, "prog");
        var splitPaths = Directory.GetFiles(dir, "*.dwo").Order(StringComparer.Ordinal).ToList();
        if (makeDwp && splitPaths.Count > 0)
        {
            Tools.Run(Tools.Dwp, dir, "-e", exe, "-o", "prog.dwp");
            splitPaths = [Path.Combine(dir, "prog.dwp")];
        }
        return new CompiledProgram
        {
            Executable = exe,
            Sections = TestElfSections.Load(exe),
            SplitFiles = splitPaths.Select(TestElfSections.Load).ToList(),
            SplitPaths = splitPaths,
        };
    }
}
