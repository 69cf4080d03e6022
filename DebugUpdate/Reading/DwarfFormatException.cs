namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// Malformed or unsupported DWARF. Carries the section and the byte offset inside it so the CLI can
/// print "FILE: SECTION+0xOFFSET: what is wrong" without knowing anything about DWARF.
/// </summary>
public sealed class DwarfFormatException : Exception
{
    public DwarfFormatException(string section, long offset, string problem)
        : base($"{section}+0x{offset:x}: {problem}")
    {
        Section = section;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>Section name, for example ".debug_info" or ".debug_line.dwo".</summary>
    public string Section { get; }

    /// <summary>Offset inside <see cref="Section"/> where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>The problem, without the location prefix.</summary>
    public string Problem { get; }
}
