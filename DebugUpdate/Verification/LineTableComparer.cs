using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Checks that every original line row has an equal row (file path, line, column, flags,
/// discriminator) at its translated address, and that the output has no rows for code the original
/// did not describe. Rows are compared across the whole program because a rewriter may re-cut
/// sequences and tables.
/// </summary>
internal static class LineTableComparer
{
    private readonly record struct RowKey(string? File, uint Line, uint Column, LineRowFlags Flags, uint Discriminator)
    {
        public override string ToString() =>
            $"{File ?? "?"}:{Line}:{Column}{(Discriminator != 0 ? $" discriminator {Discriminator}" : "")} [{Flags}]";
    }

    private readonly record struct Row(ulong Address, RowKey Key, string Table);

    /// <summary>Compares, and returns the live original row addresses (instruction starts) for range checks.</summary>
    public static List<ulong> Compare(DwarfFile original, DwarfFile rewritten, AddressMapping mapping, VerificationReport report)
    {
        var originalRows = CollectRows(original);
        var rewrittenRows = CollectRows(rewritten);

        var byAddress = new Dictionary<ulong, List<RowKey>>();
        foreach (var row in rewrittenRows)
        {
            if (!byAddress.TryGetValue(row.Address, out var keys))
                byAddress[row.Address] = keys = [];
            keys.Add(row.Key);
        }

        var translatedAddresses = new HashSet<ulong>();
        foreach (var row in originalRows)
        {
            report.LineRowsCompared++;
            if (!mapping.TryTranslate(row.Address, out var output))
            {
                report.Add(DifferenceKind.LineTable, row.Table, $"row at 0x{row.Address:x} ({row.Key}) has no translation");
                continue;
            }
            translatedAddresses.Add(output);
            if (!byAddress.TryGetValue(output, out var candidates))
                report.Add(DifferenceKind.LineTable, row.Table, $"row at 0x{row.Address:x} ({row.Key}) is missing at 0x{output:x}: the output has no row there");
            else if (!candidates.Contains(row.Key))
                report.Add(DifferenceKind.LineTable, row.Table,
                    $"row at 0x{row.Address:x} ({row.Key}) is missing at 0x{output:x}; rows there: {string.Join("; ", candidates.Take(3))}");
        }
        foreach (var row in rewrittenRows)
        {
            if (!translatedAddresses.Contains(row.Address))
                report.Add(DifferenceKind.Extra, row.Table, $"output row at 0x{row.Address:x} ({row.Key}) describes code with no original row");
        }
        return originalRows.Select(r => r.Address).ToList();
    }

    private static List<Row> CollectRows(DwarfFile file)
    {
        var rows = new List<Row>();
        var seen = new HashSet<ulong>();
        foreach (var unit in file.Units)
        {
            if (unit.IsSplit || unit.StmtList is not { } offset || !seen.Add(offset))
                continue;
            var table = unit.ReadLineTable();
            if (table is null)
                continue;
            string label = $"line table 0x{offset:x} of {DiePaths.Segment(unit, 0)}";
            string? compilationDirectory = unit.CompilationDirectory;
            var paths = new Dictionary<uint, string?>();
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
                if (!paths.TryGetValue(row.File, out var path))
                    paths[row.File] = path = table.Header.FilePath(row.File, compilationDirectory);
                rows.Add(new Row(row.Address, new RowKey(path, row.Line, row.Column, row.Flags, row.Discriminator), label));
            }
        }
        return rows;
    }
}
