namespace Rewriter.Diagnostics;

/// <summary>
/// The one exception family for malformed or unsupported input. It names the place either as a
/// section and an offset inside it, or as free text (a header, a line of a profile);
/// <see cref="File"/> is attached by whoever knows which file was being read, and the command line
/// prints `rewriter: error: FILE: WHERE: WHAT` from these properties alone.
/// </summary>
public class InputFormatException : Exception
{
    private readonly string? _where;

    /// <param name="where">the place, for example "ELF header" or "line 3"</param>
    public InputFormatException(string where, string what, string? file = null)
        : base($"{where}: {what}")
    {
        _where = where;
        What = what;
        File = file;
    }

    public InputFormatException(string section, long offset, string what, string? file = null)
        : base($"{section}+0x{offset:x}: {what}")
    {
        Section = section;
        Offset = offset;
        What = what;
        File = file;
    }

    public static InputFormatException At(string section, ulong offset, string what) => new(section, (long)offset, what);

    /// <summary>The section at fault (".debug_info", ".eh_frame"), when the place is one.</summary>
    public string? Section { get; }

    /// <summary>The byte offset inside <see cref="Section"/>; meaningful only when it is set.</summary>
    public long Offset { get; }

    /// <summary>`SECTION+0xOFFSET`, or the place as given.</summary>
    public string Where => Section is null ? _where! : $"{Section}+0x{Offset:x}";

    /// <summary>What is wrong, without the place.</summary>
    public string What { get; }

    /// <summary>The file at fault; null until a caller that knows it attaches it.</summary>
    public string? File { get; private set; }

    /// <summary>Names the file being read unless a reader further in already named one; for a catch that rethrows.</summary>
    public void AttachFile(string file) => File ??= file;
}
