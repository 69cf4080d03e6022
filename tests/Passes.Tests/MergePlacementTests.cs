using Rewriter.Passes.Chains;

namespace Rewriter.Passes.Tests;

public class MergePlacementTests
{
    /// <summary>
    /// ExtTSP scores a candidate merge from each jump end's address; they must be exactly where
    /// laying out the merged order puts them, for every merge type and cut, on chains grown by
    /// earlier merges.
    /// </summary>
    [Fact]
    public void Every_node_lies_where_the_merged_order_puts_it()
    {
        var random = new Random(2026);
        for (int round = 0; round < 200; round++)
        {
            int n = random.Next(2, 40);
            var sizes = Enumerable.Range(0, n).Select(_ => (ulong)random.Next(0, 50)).ToArray(); // 0: the graph makes it 1
            var graph = new ChainGraph(sizes, new ulong[n], []);
            graph.CreateChains();
            // Grow a few chains by merging random pairs in random ways.
            for (int merges = random.Next(0, n); merges > 0; merges--)
            {
                var (x, y) = TwoChains(graph, random);
                if (x == null)
                    break;
                graph.Merge(x, y!, RandomOrder(x, y!, random, out _, out _));
            }
            var (a, b) = TwoChains(graph, random);
            if (a == null)
                continue;
            var order = RandomOrder(a, b!, random, out int offset, out var type);
            var expected = new ulong[n];
            order.AssignAddresses(graph.Sizes, expected);

            var placement = new MergePlacement(graph, a, b!, offset, type);

            foreach (int node in a.Nodes.Concat(b!.Nodes))
                placement.AddressOf(node).ShouldBe(expected[node], $"node {node}, {type} at {offset}");
        }
    }

    private static (Chain? X, Chain? Y) TwoChains(ChainGraph graph, Random random)
    {
        var live = graph.Chains.Where(c => !c.IsEmpty).ToList();
        if (live.Count < 2)
            return (null, null);
        int i = random.Next(live.Count), j = (i + 1 + random.Next(live.Count - 1)) % live.Count;
        return (live[i], live[j]);
    }

    private static MergedNodes RandomOrder(Chain x, Chain y, Random random, out int offset, out MergeType type)
    {
        type = (MergeType)random.Next(5);
        offset = type is MergeType.XY or MergeType.YX ? 0 : random.Next(1, Math.Max(2, x.Nodes.Count));
        if (offset >= x.Nodes.Count)
            (type, offset) = (MergeType.XY, 0); // a one-node X has no cut
        return MergedNodes.Of(x.Nodes, y.Nodes, offset, type);
    }
}
