namespace Rewriter.Diagnostics;

/// <summary>
/// The one exception family for malformed or unsupported input. <see cref="Where"/> names the
/// place (a header, a section and offset); the command line adds the file name in front.
/// </summary>
public class InputFormatException(string where, string what, string? file = null) : Exception($"{where}: {what}")
{
    public string Where { get; } = where;
    public string What { get; } = what;
    /// <summary>The file at fault when it is not the program being rewritten (a profile, say).</summary>
    public string? File { get; } = file;

    /// <summary>The section and offset at fault, when <see cref="Where"/> is one (see <see cref="At"/>).</summary>
    public (string Section, ulong Offset)? Place { get; private init; }

    public static InputFormatException At(string section, ulong offset, string what) =>
        new($"{section}+0x{offset:x}", what) { Place = (section, offset) };
}

/// <summary>A file the rewriter was asked to read or write cannot be opened or created.</summary>
public sealed class FileAccessException(string path, string where, string what) : Exception($"{where}: {what}")
{
    public string Path { get; } = path;
    public string Where { get; } = where;
    public string What { get; } = what;
}
