using Rewriter.Common;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Compares a unit's line table with its counterpart's: every original row must have an equal row
/// (file path, line, column, flags, discriminator) at its translated address, and the output may
/// have no row for code the original did not describe. Sequences may be cut differently (a moved
/// function becomes a sequence of its own). One instance per thread: its row lists are reused.
/// </summary>
internal sealed class LineTableComparer(AddressMapping mapping)
{
    private readonly record struct RowKey(int File, uint Line, uint Column, LineRowFlags Flags, uint Discriminator);

    /// <summary>A row at an address (the translated one, for an original row), and where it came from.</summary>
    private readonly record struct Row(ulong Address, RowKey Key, ulong OriginalAddress);

    private static readonly Comparison<Row> ByAddress = (a, b) => a.Address.CompareTo(b.Address);

    private readonly Dictionary<string, int> _pathIds = new(StringComparer.Ordinal);
    private readonly List<string?> _paths = [];
    private readonly List<LineRow> _lineRows = [];
    private readonly List<Row> _originalRows = [];
    private readonly List<Row> _rewrittenRows = [];
    private readonly List<Row> _originalByInput = [];
    private readonly List<Row> _everyOriginalRow = [];
    private int[] _fileIds = new int[64];

    public void Compare(DwarfUnit original, DwarfUnit rewritten, VerificationReport report)
    {
        if (original.IsSplit || original.StmtList is not { } offset)
            return;
        string? label = null;
        string Label() => label ??= $"line table 0x{offset:x} of {DiePaths.Segment(original, 0)}";
        if (rewritten.IsSplit || rewritten.StmtList is null)
        {
            report.Add(DifferenceKind.LineTable, Label(), "the output unit has no line table");
            return;
        }
        _pathIds.Clear();
        _paths.Clear();
        _originalByInput.Clear();
        _everyOriginalRow.Clear();
        // A unit compared with itself where no code moved: every row is at its own address on both
        // sides, so reading (and checking) the rows once is all there is to do.
        bool self = ReferenceEquals(original, rewritten) && mapping.MovesNoCode;
        Collect(original, _originalRows, translate: true, keepRows: !self, report, Label);
        if (self)
            return;
        Collect(rewritten, _rewrittenRows, translate: false, keepRows: true, report, Label);
        SortByAddress(_originalRows);
        SortByAddress(_rewrittenRows);

        // PERF: both sides sorted by (translated) address, then one merge pass; no searching.
        int o = 0, r = 0;
        while (o < _originalRows.Count || r < _rewrittenRows.Count)
        {
            ulong address = o < _originalRows.Count && (r >= _rewrittenRows.Count || _originalRows[o].Address <= _rewrittenRows[r].Address)
                ? _originalRows[o].Address : _rewrittenRows[r].Address;
            int originalEnd = o, rewrittenEnd = r;
            while (originalEnd < _originalRows.Count && _originalRows[originalEnd].Address == address) originalEnd++;
            while (rewrittenEnd < _rewrittenRows.Count && _rewrittenRows[rewrittenEnd].Address == address) rewrittenEnd++;
            if (originalEnd == o)
            {
                for (int i = r; i < rewrittenEnd; i++)
                    if (!IsContinuation(address, _rewrittenRows[i].Key))
                        report.Add(DifferenceKind.Extra, Label(), $"output row at 0x{address:x} ({Describe(_rewrittenRows[i].Key)}) describes code with no original row");
            }
            else
            {
                for (int i = o; i < originalEnd; i++)
                {
                    var row = _originalRows[i];
                    if (!Contains(_rewrittenRows, r, rewrittenEnd, row.Key))
                        report.Add(DifferenceKind.LineTable, Label(), rewrittenEnd == r
                            ? $"row at 0x{row.OriginalAddress:x} ({Describe(row.Key)}) is missing at 0x{address:x}: the output has no row there"
                            : $"row at 0x{row.OriginalAddress:x} ({Describe(row.Key)}) is missing at 0x{address:x}; the output has {Describe(_rewrittenRows[r].Key)} there");
                }
            }
            o = originalEnd;
            r = rewrittenEnd;
        }
    }

    /// <summary>
    /// A row that only restates the original row covering its instruction (where a new block order
    /// made the middle of an original row start a run of output code): no statement start, and the
    /// same file, line, column and discriminator as that original row.
    /// </summary>
    private bool IsContinuation(ulong output, RowKey key)
    {
        const LineRowFlags starts = LineRowFlags.IsStmt | LineRowFlags.PrologueEnd | LineRowFlags.EpilogueBegin | LineRowFlags.BasicBlock;
        if ((key.Flags & starts) != 0 || !mapping.TryTranslateBack(output, out ulong input))
            return false;
        // Every original row counts here, a dropped instruction's too: its row goes on covering
        // the instructions after it.
        if (_originalByInput.Count == 0)
        {
            // Stable: of several rows at one address the last in the program is the one in force.
            _originalByInput.AddRange(_everyOriginalRow.OrderBy(r => r.OriginalAddress));
        }
        int covering = SortedSearch.UpperBound(_originalByInput, input, static (in Row row) => row.OriginalAddress) - 1;
        if (covering < 0)
            return false;
        var original = _originalByInput[covering].Key;
        return original.File == key.File && original.Line == key.Line && original.Column == key.Column && original.Discriminator == key.Discriminator;
    }

    private static bool Contains(List<Row> rows, int from, int to, RowKey key)
    {
        for (int i = from; i < to; i++)
            if (rows[i].Key == key)
                return true;
        return false;
    }

    private static void SortByAddress(List<Row> rows)
    {
        for (int i = 1; i < rows.Count; i++)
        {
            if (rows[i].Address < rows[i - 1].Address)
            {
                rows.Sort(ByAddress);
                return;
            }
        }
    }

    /// <summary>The unit's rows outside discarded sequences; an original row's address is translated (a row with no translation is reported).</summary>
    /// <param name="keepRows">false to only read and check the rows (<paramref name="rows"/> stays empty)</param>
    private void Collect(DwarfUnit unit, List<Row> rows, bool translate, bool keepRows, VerificationReport report, Func<string> label)
    {
        rows.Clear();
        _lineRows.Clear();
        var strings = new LineStringSources(unit.Sections.Str, unit.Sections.LineStr, unit.Header.Version >= 5 ? unit.StringOffsets : null);
        var header = LineTableReader.ReadHeader(unit.Sections.Line, unit.StmtList!.Value, strings);
        LineTableReader.RunProgram(unit.Sections.Line, header, unit.Header.AddressSize, _lineRows);
        string? compilationDirectory = unit.CompilationDirectory;
        Array.Fill(_fileIds, -1);
        bool deadSequence = false, sequenceStart = true;
        ulong sequenceEnd = 0;
        for (int r = 0; r < _lineRows.Count; r++)
        {
            var row = _lineRows[r];
            if (sequenceStart)
            {
                deadSequence = AddressMapping.IsDead(row.Address);
                sequenceStart = false;
                sequenceEnd = SequenceEnd(r);
            }
            if (row.IsEndSequence)
            {
                sequenceStart = true;
                continue;
            }
            if (deadSequence)
                continue;
            var key = new RowKey(FileId(header, row.File, compilationDirectory), row.Line, row.Column, row.Flags, row.Discriminator);
            // A row at its sequence's end (gcc writes them) describes no instruction, on either side.
            bool describesNoCode = row.Address == sequenceEnd;
            if (translate)
            {
                report.LineRowsCompared++;
                if (keepRows)
                    _everyOriginalRow.Add(new Row(row.Address, key, row.Address));
                if (describesNoCode)
                    continue;
                if (mapping.IsDropped(row.Address))
                    continue; // the instruction was dropped: its rows describe no output bytes
                if (!mapping.TryTranslate(row.Address, out var output))
                {
                    report.Add(DifferenceKind.LineTable, label(), $"row at 0x{row.Address:x} ({Describe(key)}) has no translation");
                    continue;
                }
                if (keepRows)
                    rows.Add(new Row(output, key, row.Address));
            }
            else if (!describesNoCode && keepRows)
                rows.Add(new Row(row.Address, key, row.Address));
        }
    }

    private ulong SequenceEnd(int first)
    {
        for (int r = first; r < _lineRows.Count; r++)
            if (_lineRows[r].IsEndSequence)
                return _lineRows[r].Address;
        return ulong.MaxValue;
    }

    /// <summary>A number per distinct path; PERF: a row's file number maps to it through an array, each path joined once.</summary>
    private int FileId(LineProgramHeader header, uint file, string? compilationDirectory)
    {
        if (file < (uint)_fileIds.Length && _fileIds[file] >= 0)
            return _fileIds[file];
        string? path = header.FilePath(file, compilationDirectory);
        string key = path ?? "\0?";
        if (!_pathIds.TryGetValue(key, out int id))
        {
            _pathIds[key] = id = _paths.Count;
            _paths.Add(path);
        }
        if (file < 1u << 16)
        {
            if (file >= (uint)_fileIds.Length)
            {
                int old = _fileIds.Length;
                Array.Resize(ref _fileIds, (int)Math.Max(file + 1, (uint)old * 2));
                Array.Fill(_fileIds, -1, old, _fileIds.Length - old);
            }
            _fileIds[file] = id;
        }
        return id;
    }

    private string Describe(RowKey key) =>
        $"{_paths[key.File] ?? "?"}:{key.Line}:{key.Column}{(key.Discriminator != 0 ? $" discriminator {key.Discriminator}" : "")} [{key.Flags}]";
}
