using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Walks an original unit and its rewritten counterpart in step (the same tree, DIE by DIE, in
/// pre-order) and hands each DIE pair to <see cref="DieAttributeComparer"/>. One instance per
/// thread: it reuses its buffers for every DIE.
/// </summary>
internal sealed class DieTreeComparer(AddressMapping mapping)
{
    private readonly DieAttributeComparer _attributes = new(mapping);

    /// <summary>A level of the walk: the next child pair to visit, and the enclosing function's ranges.</summary>
    private struct Frame
    {
        public int Original, Rewritten;
        public int OriginalParent, RewrittenParent;
        public List<AddressRange>? OriginalFunction, RewrittenFunction;
    }

    private Frame[] _stack = new Frame[64];

    public void CompareUnits(DwarfUnit original, DwarfUnit rewritten, VerificationReport report)
    {
        report.UnitsCompared++;
        var originalDies = original.Dies;
        var rewrittenDies = rewritten.Dies;
        _attributes.BeginUnits(original, rewritten, report);
        var originalInfo = original.Info.Span;
        var rewrittenInfo = rewritten.Info.Span;

        // PERF: an explicit stack of sibling cursors: no list of children is built per DIE.
        int depth = 0;
        if (!CompareDie(original, rewritten, originalInfo, rewrittenInfo, 0, 0, null, null, report, out var rootFunction))
            return;
        _stack[0] = new Frame
        {
            Original = originalDies.FirstChild(0), Rewritten = rewrittenDies.FirstChild(0),
            OriginalParent = 0, RewrittenParent = 0,
            OriginalFunction = rootFunction.Original, RewrittenFunction = rootFunction.Rewritten,
        };
        while (depth >= 0)
        {
            ref var frame = ref _stack[depth];
            if (frame.Original < 0 || frame.Rewritten < 0)
            {
                if (frame.Original >= 0 || frame.Rewritten >= 0)
                    ReportChildCounts(original, rewritten, frame, report);
                depth--;
                continue;
            }
            int o = frame.Original, r = frame.Rewritten;
            frame.Original = originalDies.NextSibling(o);
            frame.Rewritten = rewrittenDies.NextSibling(r);
            if (!CompareDie(original, rewritten, originalInfo, rewrittenInfo, o, r, frame.OriginalFunction, frame.RewrittenFunction, report, out var function))
                continue;
            int originalChild = originalDies.FirstChild(o), rewrittenChild = rewrittenDies.FirstChild(r);
            if (originalChild < 0 && rewrittenChild < 0)
                continue;
            if (++depth == _stack.Length)
                Array.Resize(ref _stack, _stack.Length * 2);
            _stack[depth] = new Frame
            {
                Original = originalChild, Rewritten = rewrittenChild, OriginalParent = o, RewrittenParent = r,
                OriginalFunction = function.Original, RewrittenFunction = function.Rewritten,
            };
        }
    }

    /// <summary>Compares one DIE pair; false when their tags differ (their subtrees are then not compared).</summary>
    private bool CompareDie(DwarfUnit original, DwarfUnit rewritten, ReadOnlySpan<byte> originalInfo, ReadOnlySpan<byte> rewrittenInfo, int o, int r, List<AddressRange>? originalFunction,
        List<AddressRange>? rewrittenFunction, VerificationReport report, out (List<AddressRange>? Original, List<AddressRange>? Rewritten) function)
    {
        report.DiesCompared++;
        function = (originalFunction, rewrittenFunction);
        var tag = original.Dies[o].Tag;
        if (tag != rewritten.Dies[r].Tag)
        {
            report.Add(DifferenceKind.Structure, DiePaths.Of(original, o),
                $"DIE is DW_TAG_{DwarfNames.ShortName(rewritten.TagOf(r))} in the output, DW_TAG_{DwarfNames.ShortName(tag)} in the original");
            return false;
        }
        function = _attributes.Compare(o, r, originalInfo, rewrittenInfo, originalFunction, rewrittenFunction);
        return true;
    }

    private static void ReportChildCounts(DwarfUnit original, DwarfUnit rewritten, in Frame frame, VerificationReport report)
    {
        int originalCount = CountChildren(original.Dies, frame.OriginalParent);
        int rewrittenCount = CountChildren(rewritten.Dies, frame.RewrittenParent);
        report.Add(DifferenceKind.Structure, DiePaths.Of(original, frame.OriginalParent),
            $"{rewrittenCount} children in the output, {originalCount} in the original");
    }

    private static int CountChildren(DieIndex dies, int parent)
    {
        int count = 0;
        foreach (int _ in dies.Children(parent))
            count++;
        return count;
    }
}
