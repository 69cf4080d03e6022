using Rewriter.Elf.Reading;

namespace Rewriter.Elf.Writing;

/// <summary>
/// The files a rewrite reads, which no output may replace. Compared as files, not as spellings:
/// a symbolic link, a hard link or /proc/self/fd/N naming an input is that input. Each input is
/// looked at once, so checking many outputs (a .dwo per unit) against many inputs stays linear.
/// </summary>
public sealed class InputFiles
{
    private readonly Dictionary<(ulong Device, ulong Inode), string> _byIdentity = [];
    private readonly Dictionary<string, string> _byFullPath = new(StringComparer.Ordinal);

    /// <param name="paths">the inputs, the program first</param>
    public InputFiles(IReadOnlyList<string> paths)
    {
        First = paths.Count > 0 ? paths[0] : "";
        foreach (var path in paths)
        {
            var status = FileStatus.Of(path);
            if (status.Kind != FileKind.Missing)
                _byIdentity.TryAdd((status.Device, status.Inode), path);
            _byFullPath.TryAdd(Path.GetFullPath(path), path);
        }
    }

    /// <summary>The program being rewritten.</summary>
    public string First { get; }

    /// <summary>The input that <paramref name="fullPath"/> (whose stat is <paramref name="status"/>) names, or null.</summary>
    public string? Find(string fullPath, FileStatus status)
    {
        if (status.Kind != FileKind.Missing && _byIdentity.TryGetValue((status.Device, status.Inode), out var input))
            return input;
        return _byFullPath.GetValueOrDefault(fullPath);
    }
}
