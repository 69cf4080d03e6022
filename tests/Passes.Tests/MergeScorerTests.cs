using Rewriter.Passes.Chains;

namespace Rewriter.Passes.Tests;

public class MergeScorerTests
{
    /// <summary>
    /// ExtTSP compares candidate merges by score, ties within 1e-8 broken by chain ids, so a
    /// candidate's score must be the very double that laying out the merged order and summing
    /// its jumps in list order gives (between X and Y, then inside X): for every merge type and
    /// cut, on chains grown by earlier merges.
    /// </summary>
    [Fact]
    public void Candidate_scores_are_the_laid_out_orders_bit_for_bit()
    {
        var random = new Random(2026);
        for (int round = 0; round < 300; round++)
        {
            int n = random.Next(2, 40);
            var sizes = Enumerable.Range(0, n).Select(_ => (ulong)random.Next(0, 50)).ToArray(); // 0: the graph makes it 1
            var arcs = Enumerable.Range(0, n * 3).Select(_ => new WeightedEdge(random.Next(n), random.Next(n), (ulong)random.Next(1, 1_000_000)))
                .DistinctBy(a => (a.Source, a.Target)).ToList();
            var graph = new ChainGraph(sizes, new ulong[n], arcs);
            for (int j = 0; j < graph.Jumps.Length; j++)
                graph.Jumps[j].IsConditional = random.Next(2) == 0;
            graph.CreateChains();
            for (int merges = random.Next(0, n); merges > 0; merges--)
            {
                var (x, y) = TwoChains(graph, random);
                if (x == null)
                    break;
                graph.Merge(x, y!, RandomOrder(x, y!, random));
            }
            var (a, b) = TwoChains(graph, random);
            if (a == null)
                continue;
            var between = JumpsWhere(graph, j => (In(graph, j.Source, a) && In(graph, j.Target, b)) || (In(graph, j.Source, b) && In(graph, j.Target, a)));
            var inside = JumpsWhere(graph, j => In(graph, j.Source, a) && In(graph, j.Target, a));
            var scorer = new MergeScorer();
            scorer.Load(graph, a, b!, between, inside.Count == 0 ? null : inside);

            LaidOut(graph, MergedNodes.Of(a.Nodes, b!.Nodes, 0, MergeType.XY), between).ShouldBe(scorer.ScoreBetweenXY());
            for (int offset = 1; offset < a.Nodes.Count; offset++)
            {
                var (x1yx2, yx2x1, x2x1y) = scorer.ScoreSplits(offset);
                x1yx2.ShouldBe(SplitScore(graph, a, b, offset, MergeType.X1YX2, between, inside), $"X1YX2 at {offset}");
                yx2x1.ShouldBe(SplitScore(graph, a, b, offset, MergeType.YX2X1, between, inside), $"YX2X1 at {offset}");
                x2x1y.ShouldBe(SplitScore(graph, a, b, offset, MergeType.X2X1Y, between, inside), $"X2X1Y at {offset}");
            }
        }
    }

    private static double SplitScore(ChainGraph graph, Chain x, Chain y, int offset, MergeType type, List<int> between, List<int> inside)
    {
        var order = MergedNodes.Of(x.Nodes, y.Nodes, offset, type);
        return LaidOut(graph, order, between) + LaidOut(graph, order, inside);
    }

    private static double LaidOut(ChainGraph graph, MergedNodes order, List<int> jumps)
    {
        var addresses = new ulong[graph.NodeCount];
        order.AssignAddresses(graph.Sizes, addresses);
        double score = 0;
        foreach (int j in jumps)
        {
            var jump = graph.Jumps[j];
            score += ExtTspScore.Jump(addresses[jump.Source], graph.Sizes[jump.Source], addresses[jump.Target], jump.Count, jump.IsConditional);
        }
        return score;
    }

    private static bool In(ChainGraph graph, int node, Chain? chain) => graph.ChainOf[node] == chain;

    private static List<int> JumpsWhere(ChainGraph graph, Func<Jump, bool> predicate) =>
        Enumerable.Range(0, graph.Jumps.Length).Where(j => predicate(graph.Jumps[j])).ToList();

    private static (Chain? X, Chain? Y) TwoChains(ChainGraph graph, Random random)
    {
        var live = graph.Chains.Where(c => !c.IsEmpty).ToList();
        if (live.Count < 2)
            return (null, null);
        int i = random.Next(live.Count), j = (i + 1 + random.Next(live.Count - 1)) % live.Count;
        return (live[i], live[j]);
    }

    private static MergedNodes RandomOrder(Chain x, Chain y, Random random)
    {
        var type = (MergeType)random.Next(5);
        int offset = type is MergeType.XY or MergeType.YX ? 0 : random.Next(1, Math.Max(2, x.Nodes.Count));
        if (offset >= x.Nodes.Count)
            (type, offset) = (MergeType.XY, 0); // a one-node X has no cut
        return MergedNodes.Of(x.Nodes, y.Nodes, offset, type);
    }
}
