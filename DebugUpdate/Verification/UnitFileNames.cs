using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// The file paths a unit's DW_AT_decl_file / DW_AT_call_file numbers stand for: its line table's
/// file names (a split unit's come from its .debug_line.dwo). Read once per unit, on first use.
/// </summary>
internal sealed class UnitFileNames(DwarfUnit unit)
{
    private LineProgramHeader? _header;
    private string? _compilationDirectory;
    private bool _read;
    // PERF: a path is joined once per file number, not once per DIE naming it.
    private readonly Dictionary<ulong, string?> _paths = [];

    public string? PathOf(ulong fileNumber)
    {
        if (!_read)
        {
            _header = ReadHeader(unit);
            _compilationDirectory = unit.CompilationDirectory;
            _read = true;
        }
        if (!_paths.TryGetValue(fileNumber, out var path))
            _paths[fileNumber] = path = _header?.FilePath(fileNumber, _compilationDirectory);
        return path;
    }

    private static LineProgramHeader? ReadHeader(DwarfUnit unit)
    {
        var strings = new LineStringSources(unit.Sections.Str, unit.Sections.LineStr, unit.Header.Version >= 5 ? unit.StringOffsets : null);
        if (unit.IsSplit)
            return unit.Sections.Line.IsEmpty ? null : LineTableReader.ReadHeader(unit.Sections.Line, 0, strings);
        return unit.StmtList is { } offset ? LineTableReader.ReadHeader(unit.Sections.Line, offset, strings) : null;
    }
}
