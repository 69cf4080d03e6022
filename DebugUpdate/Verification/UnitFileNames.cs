using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// The file paths a unit's DW_AT_decl_file / DW_AT_call_file numbers stand for: its line table's
/// file names (a split unit's come from its .debug_line.dwo). Read once per unit, on first use.
/// </summary>
internal sealed class UnitFileNames(DwarfUnit unit)
{
    private LineProgramHeader? _header;
    private bool _read;

    public string? PathOf(ulong fileNumber)
    {
        if (!_read)
        {
            _header = ReadHeader(unit);
            _read = true;
        }
        return _header?.FilePath(fileNumber, unit.CompilationDirectory);
    }

    private static LineProgramHeader? ReadHeader(DwarfUnit unit)
    {
        var strings = new LineStringSources(unit.Sections.Str, unit.Sections.LineStr, unit.Header.Version >= 5 ? unit.StringOffsets : null);
        if (unit.IsSplit)
            return unit.Sections.Line.IsEmpty ? null : LineTableReader.ReadHeader(unit.Sections.Line, 0, strings);
        return unit.StmtList is { } offset ? LineTableReader.ReadHeader(unit.Sections.Line, offset, strings) : null;
    }
}
