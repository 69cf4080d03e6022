namespace Rewriter.DebugUpdate.Reading;

/// <summary>A line program's header and the rows it produces, in program order.</summary>
public sealed class LineTable
{
    public LineTable(LineProgramHeader header, LineRow[] rows)
    {
        Header = header;
        Rows = rows;
    }

    public LineProgramHeader Header { get; }
    public LineRow[] Rows { get; }
}
