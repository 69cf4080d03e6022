using System.Runtime.CompilerServices;

namespace Rewriter.Passes.Chains;

/// <summary>
/// Scores ExtTSP's candidate merges of one chain pair (X, cut at an offset into X1·X2, and Y)
/// from a copy of the jumps that can change score: those between X and Y and those inside X.
/// Each jump is copied once per pair with its ends' places (chain side, index, offset), so a
/// candidate costs one pass over a contiguous array, scores all three split merges at one cut
/// together, and computes only the internal jumps that cross the cut (the others keep the score
/// they have in X, the same double). Every score is the one the laid-out merged order gives,
/// summed in the same jump order, bit for bit.
/// </summary>
internal sealed class MergeScorer
{
    /// <summary>A jump as candidate merges see it: where each end lies inside its own chain.</summary>
    private struct JumpEnds
    {
        /// <summary>The source's end (its offset plus its size) inside its chain.</summary>
        public ulong SourceEnd;
        /// <summary>The target's offset inside its chain.</summary>
        public ulong Target;
        public ulong Count;
        /// <summary>Index in X of each end, or <see cref="InY"/>.</summary>
        public int SourceIndex, TargetIndex;
        public bool IsConditional;
        /// <summary>Internal jumps: the score in X as it stands (kept by every cut it does not cross).</summary>
        public double Current;
    }

    /// <summary>The index of a Y node: above any cut, and told apart from X2's.</summary>
    private const int InY = int.MaxValue;

    private JumpEnds[] _between = new JumpEnds[16];
    private JumpEnds[] _inside = new JumpEnds[16];
    private int _betweenCount, _insideCount;
    private ulong _xSize, _ySize;
    private Chain? _x;
    /// <summary>The chain whose jumps <see cref="_inside"/> holds.</summary>
    private Chain? _insideOf;
    private NodePlace[] _places = [];

    /// <summary>Takes the pair's jumps (<paramref name="between"/> X and Y, <paramref name="inside"/> X) in their list order.</summary>
    public void Load(ChainGraph graph, Chain x, Chain y, List<int> between, List<int>? inside)
    {
        _x = x;
        _places = graph.Places;
        _xSize = x.Size;
        _ySize = y.Size;
        _betweenCount = Copy(graph, y.Id, between, ref _between, withCurrent: false);
        // PERF: X's own jumps are copied once per state of X (Y's id only marks Y's nodes, which they do not reach).
        if (_insideOf != x)
            _insideCount = inside == null ? 0 : Copy(graph, y.Id, inside, ref _inside, withCurrent: true);
        _insideOf = x;
    }

    /// <summary>Drops what was kept of <paramref name="chain"/>, which has just changed.</summary>
    public void Forget(Chain chain)
    {
        if (_insideOf == chain)
            _insideOf = null;
    }

    private static int Copy(ChainGraph graph, int yId, List<int> jumps, ref JumpEnds[] into, bool withCurrent)
    {
        if (into.Length < jumps.Count)
            into = new JumpEnds[Math.Max(jumps.Count, into.Length * 2)];
        var places = graph.Places;
        var sizes = graph.Sizes;
        for (int i = 0; i < jumps.Count; i++)
        {
            ref readonly var jump = ref graph.Jumps[jumps[i]];
            ref readonly var source = ref places[jump.Source];
            ref readonly var target = ref places[jump.Target];
            ref var ends = ref into[i];
            ends.SourceEnd = source.Offset + sizes[jump.Source];
            ends.Target = target.Offset;
            ends.Count = jump.Count;
            ends.SourceIndex = source.Chain == yId ? InY : source.Index;
            ends.TargetIndex = target.Chain == yId ? InY : target.Index;
            ends.IsConditional = jump.IsConditional;
            ends.Current = withCurrent ? ExtTspScore.JumpFromEnd(ends.SourceEnd, ends.Target, ends.Count, ends.IsConditional) : 0;
        }
        return jumps.Count;
    }

    /// <summary>The score of X·Y's changed jumps: those between X and Y (X's own keep X's score).</summary>
    public double ScoreBetweenXY()
    {
        // X at 0, Y after X: every X node is "above the cut" at offset 0 with no shift.
        var placement = new Bases(x1: 0, x2: 0, y: _xSize);
        double score = 0;
        foreach (ref readonly var jump in _between.AsSpan(0, _betweenCount))
            score += Score(jump, 0, placement);
        return score;
    }

    /// <summary>
    /// The scores of the jumps between and inside X in the three split merges at <paramref name="offset"/>
    /// (0 &lt; offset &lt; X's length), each as (between) + (inside), the sums a laid-out order gives.
    /// </summary>
    public (double X1YX2, double YX2X1, double X2X1Y) ScoreSplits(int offset)
    {
        ulong cut = _places[_x!.Nodes[offset]].Offset;
        ulong x1 = cut, x2 = _xSize - cut, y = _ySize;
        // X2's nodes are addressed from X's start, so their bases are less the cut (modulo 2^64).
        var x1yx2 = new Bases(x1: 0, x2: x1 + y - cut, y: x1);
        var yx2x1 = new Bases(x1: y + x2, x2: y - cut, y: 0);
        var x2x1y = new Bases(x1: x2, x2: 0UL - cut, y: x1 + x2);

        double between1 = 0, between2 = 0, between3 = 0;
        foreach (ref readonly var jump in _between.AsSpan(0, _betweenCount))
        {
            between1 += Score(jump, offset, x1yx2);
            between2 += Score(jump, offset, yx2x1);
            between3 += Score(jump, offset, x2x1y);
        }
        double inside1 = 0, inside2 = 0, inside3 = 0;
        foreach (ref readonly var jump in _inside.AsSpan(0, _insideCount))
        {
            if (jump.SourceIndex < offset == jump.TargetIndex < offset)
            {
                inside1 += jump.Current;
                inside2 += jump.Current;
                inside3 += jump.Current;
                continue;
            }
            inside1 += Score(jump, offset, x1yx2);
            inside2 += Score(jump, offset, yx2x1);
            inside3 += Score(jump, offset, x2x1y);
        }
        return (between1 + inside1, between2 + inside2, between3 + inside3);
    }

    /// <summary>Where X1, X2 (less the cut) and Y start in one merged order.</summary>
    private readonly struct Bases(ulong x1, ulong x2, ulong y)
    {
        public readonly ulong X1 = x1, X2 = x2, Y = y;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ulong Of(int index, int offset) => index == InY ? Y : index < offset ? X1 : X2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Score(in JumpEnds jump, int offset, in Bases bases) =>
        ExtTspScore.JumpFromEnd(bases.Of(jump.SourceIndex, offset) + jump.SourceEnd, bases.Of(jump.TargetIndex, offset) + jump.Target,
                                jump.Count, jump.IsConditional);
}
