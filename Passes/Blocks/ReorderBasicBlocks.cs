using Rewriter.Model;
using Rewriter.Passes.Chains;

namespace Rewriter.Passes.Blocks;

/// <summary>
/// `--reorder-blocks`: decides the block order of every simple function. ext-tsp only touches
/// functions whose profile has edge counts; reverse and cluster-shuffle reorder every simple
/// function (they exist to test emission).
/// </summary>
public sealed class ReorderBasicBlocks : IBinaryPass
{
    public string Name => "reorder-blocks";

    public void Run(PassContext context)
    {
        var algorithm = context.Options.ReorderBlocks;
        if (algorithm == BlockReorderAlgorithm.None)
            return;
        var layouts = context.Layout.Functions.ToArray();
        var changed = new bool[layouts.Length];
        // PERF: each function's order depends on that function alone, so they are decided in parallel.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, context.Options.ThreadCount) };
        Parallel.For(0, layouts.Length, parallel, i =>
        {
            var layout = layouts[i];
            var function = context.FunctionOf(layout);
            int[] order = algorithm switch
            {
                BlockReorderAlgorithm.Reverse => TestOrders.Reverse(layout.BlockOrder),
                BlockReorderAlgorithm.ClusterShuffle => TestOrders.Shuffle(layout.BlockOrder, context.Options.Seed, function.Id.Value),
                BlockReorderAlgorithm.ExtTsp => ExtTspOrder(function, layout),
                _ => throw new ArgumentOutOfRangeException(nameof(context), algorithm, "unknown block reordering"),
            };
            changed[i] = !order.AsSpan().SequenceEqual(layout.BlockOrder);
            layout.BlockOrder = order;
        });
        int total = layouts.Length;
        context.Log.Info($"reorder-blocks: {changed.Count(c => c)} of {total} simple functions reordered ({LayoutOptions.BlockAlgorithmNames.First(n => n.Value == algorithm).Name})");
    }

    /// <summary>
    /// The ExtTSP order, or the current one for a function without edge counts. Small functions
    /// get the exact optimum; any function keeps its current order if that scores higher (the
    /// greedy can lose to it), so the objective never gets worse.
    /// </summary>
    public static int[] ExtTspOrder(BinaryFunction function, FunctionLayout layout)
    {
        if (!function.HasProfile || function.BlockCountsUnknown || function.Body is not { } body)
            return layout.BlockOrder;
        var graph = BlockGraph.Build(body, layout.BlockOrder);
        if (!graph.HasEdgeCounts)
            return layout.BlockOrder;
        var identity = Enumerable.Range(0, graph.Blocks.Length).ToArray();
        var nodes = ExtTspLayout.Compute(graph.Sizes, graph.Counts, graph.Edges);
        nodes = ExactExtTsp.Improve(graph.Sizes, graph.Edges, nodes);
        if (graph.Score(identity) > graph.Score(nodes) + MergeGain.Epsilon)
            nodes = identity;
        return graph.ToBlockOrder(nodes);
    }
}
