using Rewriter.Diagnostics;

namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// Malformed or unsupported DWARF, always at a section and an offset inside it (a real section
/// offset, also inside a .dwp contribution) and, when the sections came from a file, naming it.
/// </summary>
public sealed class DwarfFormatException(string section, long offset, string problem, string? file = null)
    : InputFormatException(section, offset, problem, file);
