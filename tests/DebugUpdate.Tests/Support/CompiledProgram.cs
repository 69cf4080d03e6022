using System.Collections.Concurrent;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>
/// A program compiled with clang-22 (or the system gcc) at test time into a private temp directory, with its debug
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

    public enum Compiler { Clang, Gcc }

    /// <summary>Compiles (once per distinct configuration) and loads the result.</summary>
    public static CompiledProgram Get(SampleSources.Language language, string flags, bool makeDwp = false, Compiler compiler = Compiler.Clang) =>
        Cache.GetOrAdd($"{compiler}|{language}|{flags}|{makeDwp}", key => new Lazy<CompiledProgram>(() => Build(key, language, flags, makeDwp, compiler))).Value;

    /// <summary>The same, from the strings of a theory's data row ("Clang"/"Gcc", "C"/"Cpp").</summary>
    public static CompiledProgram Get(string compiler, string language, string flags, bool makeDwp) =>
        Get(Enum.Parse<SampleSources.Language>(language), flags, makeDwp, Enum.Parse<Compiler>(compiler));

    private static CompiledProgram Build(string key, SampleSources.Language language, string flags, bool makeDwp, Compiler compiler)
    {
        var dir = Path.Combine(Root, Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..12]);
        Directory.CreateDirectory(dir);
        var sources = SampleSources.Write(language, dir);
        bool c = language == SampleSources.Language.C;
        string driver = compiler == Compiler.Gcc ? (c ? Tools.Gcc : Tools.Gxx) : (c ? Tools.Clang : Tools.Clangxx);
        var arguments = new List<string>(flags.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (compiler == Compiler.Clang && Tools.Find("ld.lld-22") is not null)
            arguments.Add("-fuse-ld=lld-22");
        arguments.AddRange(sources);
        arguments.AddRange(["-o", "prog"]);
        Tools.Run(driver, dir, [.. arguments]);
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
