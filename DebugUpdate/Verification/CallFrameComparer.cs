using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Frames;
using Rewriter.DebugUpdate.Reading;
using Rewriter.CallFrames;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Compares .debug_frame: for every original FDE, the unwind state (CFA rule and register rules)
/// the output gives at each translated instruction of moved code, and at every address of code
/// that stayed, must be the original's. An output FDE for code no original FDE described, or for
/// the place moved code left, is extra. One difference per FDE: the first address that differs.
/// </summary>
internal static class CallFrameComparer
{
    private const string Section = DebugFrameRewriter.SectionName;

    public static void Compare(DebugSections original, DebugSections rewritten, CodeAddressMap map, VerificationReport report)
    {
        if (!original.Contains(Section))
            return;
        if (!rewritten.Contains(Section))
        {
            report.Add(DifferenceKind.CallFrame, Section, "the output has no .debug_frame; the original had one");
            return;
        }
        var before = DebugFrameTables.Read(original.Get(Section));
        var after = DebugFrameTables.Read(rewritten.Get(Section));
        var instructions = new List<(ulong Input, ulong Output)>();
        for (int i = 0; i < before.Fdes.Count; i++)
            CompareFde(before.Fdes[i], before.TableOf(i), after, map, instructions, report);
        foreach (var fde in after.Fdes)
            CheckDescribesOriginalCode(fde, before, map, report);
    }

    private static void CompareFde(Fde fde, CfiTable expected, DebugFrameTables after, CodeAddressMap map,
        List<(ulong Input, ulong Output)> instructions, VerificationReport report)
    {
        int differing = 0;
        string? first = null;
        void Check(ulong input, ulong output)
        {
            report.CallFrameRowsCompared++;
            var want = expected.StateAt(input);
            var got = after.StateAt(output);
            if (want.Equals(got))
                return;
            differing++;
            first ??= got is null
                ? $"no FDE covers 0x{output:x} in the output (original 0x{input:x}), expected {want}"
                : $"{got} at 0x{output:x} in the output, expected {want} (original 0x{input:x})";
        }

        ulong position = fde.PcBegin;
        foreach (var moved in map.MovedRangesIn(fde.PcBegin, fde.PcEnd))
        {
            if (moved.Start > position)
                CompareStayed(position, moved.Start, expected, after, Check);
            instructions.Clear();
            map.InstructionsIn(Math.Max(moved.Start, fde.PcBegin), Math.Min(moved.End, fde.PcEnd), instructions);
            foreach (var (input, output) in instructions)
                Check(input, output);
            position = Math.Min(moved.End, fde.PcEnd);
        }
        if (position < fde.PcEnd)
            CompareStayed(position, fde.PcEnd, expected, after, Check);
        if (first != null)
            report.Add(DifferenceKind.CallFrame, PathOf(fde), differing == 1 ? first : $"{first}; {differing - 1} more addresses differ");
    }

    /// <summary>Code that stayed keeps its addresses: both states are piecewise constant, so comparing where either may change compares every address.</summary>
    private static void CompareStayed(ulong start, ulong end, CfiTable expected, DebugFrameTables after, Action<ulong, ulong> check)
    {
        var points = new SortedSet<ulong> { start };
        foreach (var row in expected.Rows)
            if (row.Address > start && row.Address < end)
                points.Add(row.Address);
        foreach (var change in after.ChangesIn(start, end))
            if (change > start && change < end)
                points.Add(change);
        foreach (var point in points)
            check(point, point);
    }

    private static void CheckDescribesOriginalCode(Fde fde, DebugFrameTables before, CodeAddressMap map, VerificationReport report)
    {
        ulong input;
        if (InFragment(map, fde.PcBegin))
        {
            if (!map.TryTranslateBack(new OutputAddress(fde.PcBegin), out var origin))
            {
                report.Add(DifferenceKind.Extra, $"{Section} output FDE [0x{fde.PcBegin:x}, 0x{fde.PcEnd:x})", "starts inside moved code but not at one of its instructions");
                return;
            }
            input = origin.Value;
        }
        else if (map.IsMoved(new InputAddress(fde.PcBegin)))
        {
            report.Add(DifferenceKind.Extra, $"{Section} output FDE [0x{fde.PcBegin:x}, 0x{fde.PcEnd:x})", "describes the old place of moved code (stale)");
            return;
        }
        else
            input = fde.PcBegin;
        if (before.IndexCovering(input) < 0)
            report.Add(DifferenceKind.Extra, $"{Section} output FDE [0x{fde.PcBegin:x}, 0x{fde.PcEnd:x})", $"describes code at original 0x{input:x}, which no original FDE described");
    }

    private static bool InFragment(CodeAddressMap map, ulong output)
    {
        var fragments = map.Fragments;
        int lo = 0, hi = fragments.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (fragments[mid].OutputStart <= output) lo = mid + 1;
            else hi = mid;
        }
        return lo > 0 && output < fragments[lo - 1].OutputEnd;
    }

    public static string PathOf(Fde fde) => $"{Section} FDE [0x{fde.PcBegin:x}, 0x{fde.PcEnd:x})";
}
