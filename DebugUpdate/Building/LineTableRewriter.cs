using Rewriter.Common;
using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// Rewrites one line table for the new layout. The header (directories, files — duplicates
/// included —, MD5s, line_strp offsets) is copied byte for byte. Rows of code that stayed are kept,
/// the sequence cut where moved code began; each output fragment of a moved function becomes its own
/// sequence, with a row for each of its instructions that began an input row (same file, line,
/// column, flags, discriminator) and a continuation row (not a statement start) where reordering
/// made an instruction in the middle of an input row start a new run.
/// </summary>
public static class LineTableRewriter
{
    /// <param name="scratch">the worker's lists the rows and a fragment's instructions are put into, reused from unit to unit</param>
    public static ByteWriter Rewrite(DwarfUnit unit, CodeAddressMap map, WorkerScratch scratch)
    {
        var rows = scratch.LineRows;
        // PERF: the header is copied as it is: its paths are checked, not decoded (gdb: 56 MB of strings).
        var header = unit.ReadLineTableHeader(withPaths: false) ?? throw new InvalidOperationException("unit has no line table");
        var section = unit.Sections.Line;
        rows.Clear();
        LineTableReader.RunProgram(section, header, unit.Header.AddressSize, rows);
        return Rewrite(section, header, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows), map, scratch.LineInstructions);
    }

    private static ByteWriter Rewrite(SectionView section, LineProgramHeader header, ReadOnlySpan<LineRow> rows, CodeAddressMap map,
        List<(ulong Input, ulong Output)> instructions)
    {
        var output = new ByteWriter((int)(header.End - header.Offset) + 64);
        var headerBytes = section.Span[(int)header.Offset..(int)header.ProgramOffset];
        output.WriteBytes(headerBytes);
        int lengthAt = header.OffsetSize == 8 ? 4 : 0;
        var encoder = new LineProgramEncoder(output, header);

        int start = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            if (!rows[i].IsEndSequence)
                continue;
            var sequence = rows.Slice(start, i - start + 1);
            start = i + 1;
            if (sequence.Length < 2 || !map.TouchesMovedCode(sequence[0].Address, sequence[^1].Address))
            {
                CopyWhole(encoder, sequence);
                continue;
            }
            RewriteSequence(encoder, sequence, map, instructions);
        }
        // The unit_length field counts what follows it.
        output.Patch(lengthAt, (ulong)(output.Position - lengthAt - header.OffsetSize), header.OffsetSize);
        return output;
    }

    private static void RewriteSequence(LineProgramEncoder encoder, ReadOnlySpan<LineRow> sequence, CodeAddressMap map,
        List<(ulong Input, ulong Output)> instructions)
    {
        ulong sequenceStart = sequence[0].Address, sequenceEnd = sequence[^1].Address;
        // Code that stayed: the pieces of the sequence between moved functions.
        ulong position = sequenceStart;
        var moved = map.MovedRangesIn(sequenceStart, sequenceEnd).ToList();
        foreach (var range in moved)
        {
            if (range.Start > position)
                CopySequence(encoder, sequence, position, range.Start);
            position = Math.Max(position, range.End);
        }
        if (position < sequenceEnd)
            CopySequence(encoder, sequence, position, sequenceEnd);

        // Moved functions: one sequence per output fragment.
        foreach (var range in moved)
        {
            ulong from = Math.Max(range.Start, sequenceStart), to = Math.Min(range.End, sequenceEnd);
            // A moved range may start before the sequence: the fragments of functions overlapping it.
            foreach (var fragment in map.FragmentsOfFunctionsIn(range.Start, to))
            {
                if (fragment.InputStart >= to || fragment.InputEnd <= from || fragment.OutputSize == 0)
                    continue;
                instructions.Clear();
                // Only what starts inside the fragment: a dropped instruction at its very end has no bytes, it describes nothing.
                map.InstructionsInOutputOrder(Math.Max(from, fragment.InputStart), Math.Min(to, fragment.InputEnd),
                    fragment.OutputStart, fragment.OutputEnd, instructions);
                if (instructions.Count == 0)
                    continue;
                EmitFragment(encoder, sequence, instructions, fragment.OutputEnd);
            }
        }
    }

    private static void EmitFragment(LineProgramEncoder encoder, ReadOnlySpan<LineRow> sequence, List<(ulong Input, ulong Output)> instructions,
        ulong fragmentEnd)
    {
        bool begun = false;
        int lastCovering = -1;
        ulong lastInput = 0;
        foreach (var (input, output) in instructions)
        {
            int covering = Covering(sequence, input, lastCovering);
            if (covering < 0)
                continue; // before the sequence's first row: no line information
            int first = covering;
            while (first > 0 && sequence[first - 1].Address == input)
                first--;
            if (!begun)
            {
                encoder.BeginSequence(output);
                begun = true;
            }
            if (sequence[covering].Address == input)
            {
                for (int r = first; r <= covering; r++)
                    encoder.Row(sequence[r] with { Address = output });
            }
            else if (covering != lastCovering || input < lastInput)
            {
                // The middle of an input row now starts a run: the same line, but no new statement.
                var row = sequence[covering];
                encoder.Row(row with
                {
                    Address = output, Discriminator = row.Discriminator,
                    Flags = row.Flags & ~(LineRowFlags.IsStmt | LineRowFlags.PrologueEnd | LineRowFlags.EpilogueBegin | LineRowFlags.BasicBlock),
                });
            }
            lastCovering = covering;
            lastInput = input;
        }
        if (begun)
            encoder.EndSequence(fragmentEnd);
    }

    private static void CopyWhole(LineProgramEncoder encoder, ReadOnlySpan<LineRow> sequence)
    {
        encoder.BeginSequence(sequence[0].Address);
        for (int r = 0; r < sequence.Length - 1; r++)
            encoder.Row(sequence[r]);
        encoder.EndSequence(sequence[^1].Address);
    }

    /// <summary>
    /// Copies the rows of [from, to) of a sequence as a sequence of their own. A row that began in
    /// moved code before <paramref name="from"/> is not carried past the cut: what follows a moved
    /// function up to the next row is its padding, which nothing runs any more.
    /// </summary>
    private static void CopySequence(LineProgramEncoder encoder, ReadOnlySpan<LineRow> sequence, ulong from, ulong to)
    {
        int first = LowerBound(sequence, from);
        if (first >= sequence.Length - 1 || sequence[first].Address >= to)
            return;
        encoder.BeginSequence(sequence[first].Address);
        for (int r = first; r < sequence.Length - 1 && sequence[r].Address < to; r++)
            encoder.Row(sequence[r]);
        encoder.EndSequence(to);
    }

    /// <summary>The first row (not the end) at or after <paramref name="address"/>.</summary>
    private static int LowerBound(ReadOnlySpan<LineRow> sequence, ulong address) =>
        SortedSearch.LowerBound(RowsBeforeEnd(sequence), address, static (in LineRow row) => row.Address);

    /// <summary>The last row (not the end) at or before <paramref name="address"/>; -1 when none.</summary>
    private static int Covering(ReadOnlySpan<LineRow> sequence, ulong address) =>
        SortedSearch.UpperBound(RowsBeforeEnd(sequence), address, static (in LineRow row) => row.Address) - 1;

    /// <summary>
    /// <see cref="Covering(ReadOnlySpan{LineRow}, ulong)"/>, trying first the row found for the
    /// previous instruction and the next one: a fragment's instructions run in input order within
    /// each block, so the search is needed only where a block begins.
    /// </summary>
    private static int Covering(ReadOnlySpan<LineRow> sequence, ulong address, int hint)
    {
        var rows = RowsBeforeEnd(sequence);
        for (int candidate = hint; candidate >= 0 && candidate <= hint + 1 && candidate < rows.Length; candidate++)
        {
            // The last row at or before the address: the next row (if any) lies after it.
            if (rows[candidate].Address <= address && (candidate + 1 == rows.Length || rows[candidate + 1].Address > address))
                return candidate;
        }
        return Covering(sequence, address);
    }

    private static ReadOnlySpan<LineRow> RowsBeforeEnd(ReadOnlySpan<LineRow> sequence) => sequence.IsEmpty ? sequence : sequence[..^1];
}
