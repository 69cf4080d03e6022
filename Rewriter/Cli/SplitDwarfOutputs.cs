using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;

namespace Rewriter.Cli;

/// <summary>
/// What the user asked of split DWARF: where split units are found and where rewritten ones go
/// (with <paramref name="WriteDwp"/>, the rewritten units of .dwo files go into one package instead).
/// </summary>
public sealed record SplitDwarfOptions(SplitDwarfSearch Search, string? DwarfOutputPath = null, bool WriteDwp = false)
{
    public static SplitDwarfOptions Default { get; } = new(new SplitDwarfSearch());
}

/// <summary>
/// Where each rewritten .dwo file goes, and the dwo_name its skeletons get. The input is never
/// written over, so a rewritten .dwo has a name of its own: in --dwarf-output-path DIR it keeps
/// its file name (DIR must not hold the input); by default it stays beside the original and is
/// named after the output program (foo.dwo of app.opt becomes foo.app.opt.dwo), so two outputs
/// of one program never share a .dwo. A .dwp package's rewrite is OUTPUT.dwp. DW_AT_comp_dir never changes (relative source paths
/// resolve against it): a dwo_name stays relative when the file stays in the original's
/// directory, and becomes absolute otherwise. With --write-dwp the .dwo files' rewritten units go
/// into one package, OUTPUT.dwp (<see cref="PackedPath"/>), and the skeletons keep their names.
/// </summary>
public sealed record SplitDwarfOutputs(IReadOnlyList<string> Paths, IReadOnlyDictionary<int, string> NewDwoNames, string? PackedPath = null)
{
    public static SplitDwarfOutputs Plan(SplitDwarfFiles files, SplitDwarfOptions options, string outputPath)
    {
        var paths = new List<string>();
        var names = new Dictionary<int, string>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        string outputName = Path.GetFileName(Path.GetFullPath(outputPath));
        // Debuggers look for a package beside the program, so that is where it goes.
        if (options.WriteDwp && !files.IsPackage && files.Files.Count > 0)
            return new SplitDwarfOutputs([], names, Path.GetFullPath(outputPath) + ".dwp");
        foreach (var file in files.Files)
        {
            // A package goes beside the output program, where debuggers look for it; the skeletons keep their names.
            if (files.IsPackage)
            {
                paths.Add(Path.GetFullPath(outputPath) + ".dwp");
                continue;
            }
            string original = Path.GetFullPath(file.Path);
            string directory = options.DwarfOutputPath is { } given ? Path.GetFullPath(given) : Path.GetDirectoryName(original)!;
            if (options.DwarfOutputPath is not null && FileStatus.Of(directory).Kind != FileKind.Directory)
                throw new FileAccessException(options.DwarfOutputPath, "--dwarf-output-path", "not a directory");
            string stem = Path.GetFileNameWithoutExtension(original), extension = Path.GetExtension(original);
            string baseName = options.DwarfOutputPath is not null ? stem : $"{stem}.{outputName}";
            string path = Path.Combine(directory, baseName + extension);
            for (int n = 1; !taken.Add(path); n++)
                path = Path.Combine(directory, $"{baseName}-{n}{extension}");
            paths.Add(path);
            foreach (var skeleton in file.Skeletons)
            {
                string dwoName = skeleton.DwoName!;
                bool staysRelative = !Path.IsPathRooted(dwoName) && options.Search.CompDirOverride is null
                    && string.Equals(directory, Path.GetDirectoryName(original), StringComparison.Ordinal);
                names[skeleton.UnitIndex] = staysRelative ? Path.Combine(Path.GetDirectoryName(dwoName) ?? "", Path.GetFileName(path)) : path;
            }
        }
        return new SplitDwarfOutputs(paths, names);
    }
}
