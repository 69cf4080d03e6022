using Rewriter.Model;
using Rewriter.Passes.Chains;

namespace Rewriter.Passes.Blocks;

/// <summary>
/// A function's CFG as the layout algorithms see it: node i is the block at position i of the
/// current order (so node 0 is the entry), with its size, execution count and the profiled
/// edges between nodes (one per source→target pair, in successor order; self loops dropped).
/// </summary>
public sealed class BlockGraph
{
    private BlockGraph(int[] blocks, ulong[] sizes, ulong[] counts, List<WeightedEdge> edges)
    {
        Blocks = blocks;
        Sizes = sizes;
        Counts = counts;
        Edges = edges;
    }

    /// <summary>Block index of each node.</summary>
    public int[] Blocks { get; }
    public ulong[] Sizes { get; }
    public ulong[] Counts { get; }
    public IReadOnlyList<WeightedEdge> Edges { get; }

    /// <summary>True when some edge carries profile: without one there is nothing to optimize.</summary>
    public bool HasEdgeCounts => Edges.Any(e => e.Count > 0);

    public static BlockGraph Build(FunctionBody body, IReadOnlyList<int> order)
    {
        int n = order.Count;
        var node = new int[body.Blocks.Length];
        for (int i = 0; i < n; i++)
            node[order[i]] = i;
        var sizes = new ulong[n];
        var counts = new ulong[n];
        var edges = new List<WeightedEdge>();
        for (int i = 0; i < n; i++)
        {
            var block = body.Blocks[order[i]];
            sizes[i] = block.Size;
            counts[i] = block.ExecutionCount;
            int first = edges.Count;
            foreach (var successor in block.Successors)
            {
                int target = node[successor.Target];
                if (target == i)
                    continue;
                // Parallel edges (a jcc and jmp to one block, repeated jump-table targets) add up.
                int existing = edges.FindIndex(first, e => e.Target == target);
                if (existing >= 0)
                    edges[existing] = edges[existing] with { Count = edges[existing].Count + successor.Count };
                else
                    edges.Add(new WeightedEdge(i, target, successor.Count));
            }
        }
        return new BlockGraph(order.ToArray(), sizes, counts, edges);
    }

    /// <summary>Maps an order of nodes back to block indices.</summary>
    public int[] ToBlockOrder(IReadOnlyList<int> nodeOrder) => nodeOrder.Select(n => Blocks[n]).ToArray();

    public double Score(IReadOnlyList<int> nodeOrder) => ExtTspScore.Of(nodeOrder, Sizes, Edges);
}
