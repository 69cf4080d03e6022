namespace Rewriter.Diagnostics;

/// <summary>A file the rewriter was asked to read or write cannot be opened or created.</summary>
public sealed class FileAccessException(string path, string where, string what) : Exception($"{where}: {what}")
{
    public string Path { get; } = path;
    public string Where { get; } = where;
    public string What { get; } = what;
}
