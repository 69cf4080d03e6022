using Rewriter.DebugUpdate;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Reading;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;

namespace Rewriter.Cli;

/// <summary>Where a split-DWARF program's split units are looked for.</summary>
public sealed record SplitDwarfSearch(string? DwpPath = null, string? CompDirOverride = null);

/// <summary>One opened split file: the .dwo (or .dwp) that holds the split units of some skeletons.</summary>
public sealed record SplitFile(string Path, ElfFile Elf, DebugSections Sections, IReadOnlyList<SkeletonUnit> Skeletons);

/// <summary>
/// Finds and opens the split files of a program: the .dwo file each skeleton unit names (its
/// DW_AT_dwo_name, relative to its DW_AT_comp_dir or to --comp-dir-override), or one .dwp package
/// (--dwp FILE, or PROGRAM.dwp beside the program). A file that is missing, or whose split unit
/// is not the skeleton's (another build's .dwo), is an error naming it.
/// </summary>
public sealed class SplitDwarfFiles : IDisposable
{
    private static readonly string SplitInfo = DebugSectionNames.Dwo(DebugSectionNames.Info);

    private readonly List<SplitFile> _files = [];

    public IReadOnlyList<SplitFile> Files => _files;
    public bool IsPackage { get; private init; }

    public static SplitDwarfFiles Open(string programPath, DebugSections program, SplitDwarfSearch search)
    {
        var skeletons = DebugUpdater.FindSkeletons(program);
        if (skeletons.Count == 0)
            return new SplitDwarfFiles();
        string? package = PackagePath(programPath, search);
        var result = new SplitDwarfFiles { IsPackage = package is not null };
        try
        {
            if (package is not null)
                result._files.Add(OpenFile(package, skeletons, checkIds: false));
            else
            {
                // One .dwo per skeleton, in unit order; two skeletons naming one file share it.
                var byPath = new Dictionary<string, List<SkeletonUnit>>(StringComparer.Ordinal);
                var order = new List<string>();
                foreach (var skeleton in skeletons)
                {
                    string path = DwoPath(skeleton, search);
                    if (!byPath.TryGetValue(path, out var list))
                    {
                        byPath.Add(path, list = []);
                        order.Add(path);
                    }
                    list.Add(skeleton);
                }
                foreach (var path in order)
                    result._files.Add(OpenFile(path, byPath[path], checkIds: true));
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    private static string? PackagePath(string programPath, SplitDwarfSearch search)
    {
        if (search.DwpPath is { } given)
            return given;
        string beside = programPath + ".dwp";
        return File.Exists(beside) ? beside : null;
    }

    /// <summary>The path a skeleton's dwo_name names: absolute, or relative to its comp_dir (or the override).</summary>
    public static string DwoPath(SkeletonUnit skeleton, SplitDwarfSearch search)
    {
        string name = skeleton.DwoName
            ?? throw new InputFormatException(DebugSectionNames.Info, skeleton.Offset, $"skeleton unit (dwo_id 0x{skeleton.DwoId:x16}) has no DW_AT_dwo_name");
        if (Path.IsPathRooted(name))
            return name;
        string? directory = search.CompDirOverride ?? skeleton.CompilationDirectory;
        return directory is null ? Path.GetFullPath(name) : Path.Combine(directory, name);
    }

    private static SplitFile OpenFile(string path, IReadOnlyList<SkeletonUnit> skeletons, bool checkIds)
    {
        if (!File.Exists(path))
            throw new FileAccessException(path, "split DWARF", $"not found (named by the skeleton unit of dwo_id 0x{skeletons[0].DwoId:x16}; --comp-dir-override DIR or --dwp FILE finds split units elsewhere)");
        ElfFile elf;
        try
        {
            elf = ElfFile.Open(path, allowRelocatable: true);
        }
        catch (InputFormatException e)
        {
            e.AttachFile(path);
            throw;
        }
        try
        {
            var sections = DebugSectionLoader.Load(elf);
            if (!sections.IsSplitFile)
                throw new InputFormatException(SplitInfo, $"not a split DWARF file (it has no {SplitInfo})", path);
            if (checkIds)
            {
                var ids = DwarfFile.Open(sections).Units.Where(u => !u.Header.IsTypeUnit && u.DwoId is not null).Select(u => u.DwoId!.Value).ToHashSet();
                foreach (var skeleton in skeletons)
                    if (!ids.Contains(skeleton.DwoId))
                        throw new InputFormatException(SplitInfo, $"has no split unit of dwo_id 0x{skeleton.DwoId:x16}, which the program's skeleton unit names: it is from another build", path);
            }
            return new SplitFile(path, elf, sections, skeletons);
        }
        catch (InputFormatException e)
        {
            elf.Dispose();
            e.AttachFile(path);
            throw;
        }
        catch
        {
            elf.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var file in _files)
            file.Elf.Dispose();
        _files.Clear();
    }
}
