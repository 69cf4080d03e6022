using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Compares a unit's line table with its counterpart's: every original row must have an equal row
/// (file path, line, column, flags, discriminator) at its translated address, and the output may
/// have no row for code the original did not describe. Sequences may be cut differently (a moved
/// function becomes a sequence of its own). One instance per thread.
/// </summary>
internal sealed class LineTableComparer(AddressMapping mapping)
{
    private readonly record struct RowKey(int File, uint Line, uint Column, LineRowFlags Flags, uint Discriminator);

    private readonly record struct Row(ulong Address, RowKey Key) : IComparable<Row>
    {
        public int CompareTo(Row other) => Address.CompareTo(other.Address);
    }

    private readonly Dictionary<string, int> _pathIds = new(StringComparer.Ordinal);
    private readonly List<string?> _paths = [];
    private readonly List<Row> _originalRows = [];
    private readonly List<Row> _rewrittenRows = [];
    private readonly List<ulong> _translated = [];

    public void Compare(DwarfUnit original, DwarfUnit rewritten, VerificationReport report)
    {
        if (original.IsSplit || original.StmtList is not { } offset)
            return;
        string? label = null;
        string Label() => label ??= $"line table 0x{offset:x} of {DiePaths.Segment(original, 0)}";
        var before = original.ReadLineTable();
        var after = rewritten.IsSplit ? null : rewritten.ReadLineTable();
        if (before is null)
            return;
        if (after is null)
        {
            report.Add(DifferenceKind.LineTable, Label(), "the output unit has no line table");
            return;
        }
        _pathIds.Clear();
        _paths.Clear();
        Collect(before, original.CompilationDirectory, _originalRows);
        Collect(after, rewritten.CompilationDirectory, _rewrittenRows);
        _rewrittenRows.Sort();

        _translated.Clear();
        foreach (var row in _originalRows)
        {
            report.LineRowsCompared++;
            if (!mapping.TryTranslate(row.Address, out var output))
            {
                report.Add(DifferenceKind.LineTable, Label(), $"row at 0x{row.Address:x} ({Describe(row.Key)}) has no translation");
                continue;
            }
            _translated.Add(output);
            int first = LowerBound(_rewrittenRows, output);
            bool found = false, any = false;
            for (int i = first; i < _rewrittenRows.Count && _rewrittenRows[i].Address == output; i++)
            {
                any = true;
                if (_rewrittenRows[i].Key == row.Key)
                {
                    found = true;
                    break;
                }
            }
            if (found)
                continue;
            if (!any)
                report.Add(DifferenceKind.LineTable, Label(), $"row at 0x{row.Address:x} ({Describe(row.Key)}) is missing at 0x{output:x}: the output has no row there");
            else
                report.Add(DifferenceKind.LineTable, Label(),
                    $"row at 0x{row.Address:x} ({Describe(row.Key)}) is missing at 0x{output:x}; the output has {Describe(_rewrittenRows[first].Key)} there");
        }
        _translated.Sort();
        foreach (var row in _rewrittenRows)
        {
            if (_translated.BinarySearch(row.Address) < 0)
                report.Add(DifferenceKind.Extra, Label(), $"output row at 0x{row.Address:x} ({Describe(row.Key)}) describes code with no original row");
        }
    }

    private void Collect(LineTable table, string? compilationDirectory, List<Row> rows)
    {
        rows.Clear();
        var fileIds = new Dictionary<uint, int>();
        bool deadSequence = false, sequenceStart = true;
        foreach (var row in table.Rows)
        {
            if (sequenceStart)
            {
                deadSequence = AddressMapping.IsDead(row.Address);
                sequenceStart = false;
            }
            if (row.IsEndSequence)
            {
                sequenceStart = true;
                continue;
            }
            if (deadSequence)
                continue;
            if (!fileIds.TryGetValue(row.File, out int file))
                fileIds[row.File] = file = PathId(table.Header.FilePath(row.File, compilationDirectory));
            rows.Add(new Row(row.Address, new RowKey(file, row.Line, row.Column, row.Flags, row.Discriminator)));
        }
    }

    private int PathId(string? path)
    {
        string key = path ?? "\0?";
        if (!_pathIds.TryGetValue(key, out int id))
        {
            _pathIds[key] = id = _paths.Count;
            _paths.Add(path);
        }
        return id;
    }

    private string Describe(RowKey key) =>
        $"{_paths[key.File] ?? "?"}:{key.Line}:{key.Column}{(key.Discriminator != 0 ? $" discriminator {key.Discriminator}" : "")} [{key.Flags}]";

    private static int LowerBound(List<Row> rows, ulong address)
    {
        int lo = 0, hi = rows.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (rows[mid].Address < address)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}
