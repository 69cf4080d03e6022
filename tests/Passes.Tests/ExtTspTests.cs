using Rewriter.Model;
using Rewriter.Passes.Blocks;
using Rewriter.Passes.Chains;
using Rewriter.Passes.Tests.Support;

namespace Rewriter.Passes.Tests;

public class ExtTspTests
{
    private static (BinaryFunction Function, FunctionLayout Layout) Single(TestCfg cfg)
    {
        var function = Fixture.Function(0, "f", 0x1000, cfg);
        var context = Fixture.Context([function]);
        return (function, new BinaryLayout(context)[function.Id]!);
    }

    private static void ShouldBePermutationWithEntryFirst(int[] order, int count)
    {
        order.Length.ShouldBe(count);
        order.Order().ShouldBe(Enumerable.Range(0, count));
        order[0].ShouldBe(0);
    }

    [Fact]
    public void Score_follows_the_reference_formula()
    {
        ExtTspScore.Jump(0, 10, 10, 100, isConditional: true).ShouldBe(100.0);
        ExtTspScore.Jump(0, 10, 10, 100, isConditional: false).ShouldBe(105.0, 1e-9);
        ExtTspScore.Jump(0, 10, 10 + 512, 100, true).ShouldBe(0.1 * 100 * 0.5, 1e-9);
        ExtTspScore.Jump(0, 10, 10 + 1025, 100, true).ShouldBe(0);
        ExtTspScore.Jump(320, 10, 10, 100, true).ShouldBe(0.1 * 100 * (1 - 320.0 / 640), 1e-9);
        ExtTspScore.Jump(700, 10, 0, 100, true).ShouldBe(0);
    }

    [Fact]
    public void Random_cfgs_never_score_below_the_input_order()
    {
        var random = new Random(12345);
        double greedyTotal = 0, inputTotal = 0;
        for (int round = 0; round < 300; round++)
        {
            int blocks = random.Next(3, 60);
            var (function, layout) = Single(TestCfg.Random(random, blocks));
            var graph = BlockGraph.Build(function.Body!, layout.BlockOrder);
            var identity = Enumerable.Range(0, blocks).ToArray();

            var greedy = ExtTspLayout.Compute(graph.Sizes, graph.Counts, graph.Edges);
            ShouldBePermutationWithEntryFirst(greedy, blocks);
            greedyTotal += graph.Score(greedy);
            inputTotal += graph.Score(identity);

            var order = ReorderBasicBlocks.ExtTspOrder(function, layout);
            ShouldBePermutationWithEntryFirst(order, blocks);
            graph.Score(order).ShouldBeGreaterThanOrEqualTo(graph.Score(identity) - 1e-6);
        }
        greedyTotal.ShouldBeGreaterThan(inputTotal * 1.05, "the greedy alone should clearly beat random input orders");
    }

    [Fact]
    public void Large_functions_get_a_valid_order()
    {
        // Beyond the split threshold (128 blocks) only jump-anchored cuts are tried.
        var (function, layout) = Single(TestCfg.Random(new Random(99), 1500));
        var order = ReorderBasicBlocks.ExtTspOrder(function, layout);
        ShouldBePermutationWithEntryFirst(order, 1500);
    }

    [Fact]
    public void Huge_functions_are_still_laid_out_well()
    {
        // Chains are bounded (512 blocks) and long ones split only at jump-anchored cuts, as in
        // LLVM: a 3,000-block function still gets an order far better than its input order.
        var random = new Random(2455);
        var (function, layout) = Single(TestCfg.Random(random, 3000));
        var graph = BlockGraph.Build(function.Body!, layout.BlockOrder);
        var identity = Enumerable.Range(0, 3000).ToArray();

        var greedy = ExtTspLayout.Compute(graph.Sizes, graph.Counts, graph.Edges);

        ShouldBePermutationWithEntryFirst(greedy, 3000);
        graph.Score(greedy).ShouldBeGreaterThan(graph.Score(identity) * 1.05);
    }

    [Fact]
    public void A_hot_loop_is_laid_out_contiguously()
    {
        // 0 → 1 (loop head) → 5 → 6 → 1 back edge, hot; 2, 3, 4 cold in between; 1 exits to 7.
        var cfg = new TestCfg().Block(10, 1).Block(10, 1000).Blocks(3, 40).Block(10, 1000).Block(10, 1000).Block(10, 1)
            .Edge(0, 1, 1, EdgeKind.FallThrough)
            .Edge(1, 2, 0, EdgeKind.FallThrough).Edge(1, 5, 999)
            .Edge(2, 3, 0, EdgeKind.FallThrough).Edge(3, 4, 0, EdgeKind.FallThrough).Edge(4, 7, 0)
            .Edge(5, 6, 1000, EdgeKind.FallThrough)
            .Edge(6, 1, 999).Edge(6, 7, 1, EdgeKind.FallThrough);
        var (function, layout) = Single(cfg);

        var order = ReorderBasicBlocks.ExtTspOrder(function, layout).ToList();

        order[0].ShouldBe(0);
        int head = order.IndexOf(1);
        order.IndexOf(5).ShouldBe(head + 1);
        order.IndexOf(6).ShouldBe(head + 2);
        order.IndexOf(2).ShouldBeGreaterThan(order.IndexOf(6), "cold blocks go after the loop");
    }

    [Fact]
    public void The_entry_stays_first_even_when_a_hot_block_jumps_to_it()
    {
        var cfg = new TestCfg().Block(8, 5).Block(8, 0).Block(8, 1000).Block(8, 1000)
            .Edge(0, 1, 0, EdgeKind.FallThrough).Edge(0, 2, 5)
            .Edge(2, 3, 1000, EdgeKind.FallThrough).Edge(3, 0, 995).Edge(3, 1, 5, EdgeKind.FallThrough);
        var (function, layout) = Single(cfg);

        ReorderBasicBlocks.ExtTspOrder(function, layout)[0].ShouldBe(0);
    }

    [Fact]
    public void The_hot_path_becomes_the_fall_through_path()
    {
        // 0 branches to 2 almost always; 1 is the rarely-taken fall-through.
        var cfg = new TestCfg().Block(10, 100).Block(30, 1).Block(10, 100).Block(10, 100)
            .Edge(0, 1, 1, EdgeKind.FallThrough).Edge(0, 2, 99)
            .Edge(1, 3, 1)
            .Edge(2, 3, 99, EdgeKind.FallThrough);
        var (function, layout) = Single(cfg);

        ReorderBasicBlocks.ExtTspOrder(function, layout).ShouldBe([0, 2, 3, 1]);
    }

    [Fact]
    public void Functions_without_profile_keep_their_order()
    {
        var cfg = new TestCfg().Blocks(4, 10).Edge(0, 2).Edge(2, 1).Edge(1, 3);
        var (function, layout) = Single(cfg);
        function.HasProfile.ShouldBeFalse();

        ReorderBasicBlocks.ExtTspOrder(function, layout).ShouldBe([0, 1, 2, 3]);
    }

    [Fact]
    public void Exact_search_finds_the_best_order_of_small_functions()
    {
        var random = new Random(7);
        for (int round = 0; round < 50; round++)
        {
            int blocks = random.Next(3, ExactExtTsp.MaxBlocks + 1);
            var (function, layout) = Single(TestCfg.Random(random, blocks));
            var graph = BlockGraph.Build(function.Body!, layout.BlockOrder);
            var greedy = ExtTspLayout.Compute(graph.Sizes, graph.Counts, graph.Edges);

            var exact = ExactExtTsp.Improve(graph.Sizes, graph.Edges, greedy);

            ShouldBePermutationWithEntryFirst(exact, blocks);
            graph.Score(exact).ShouldBeGreaterThanOrEqualTo(graph.Score(greedy) - 1e-9);
            graph.Score(exact).ShouldBe(BruteForceBest(graph, blocks), 1e-6);
        }
    }

    private static double BruteForceBest(BlockGraph graph, int blocks)
    {
        double best = double.MinValue;
        foreach (var rest in Permutations(Enumerable.Range(1, blocks - 1).ToList()))
            best = Math.Max(best, graph.Score([0, .. rest]));
        return best;
    }

    private static IEnumerable<List<int>> Permutations(List<int> items)
    {
        if (items.Count == 0)
        {
            yield return [];
            yield break;
        }
        foreach (int item in items)
            foreach (var rest in Permutations(items.Where(i => i != item).ToList()))
                yield return [item, .. rest];
    }

    [Fact]
    public void Results_are_deterministic()
    {
        var first = Enumerable.Range(0, 20).Select(seed =>
        {
            var (function, layout) = Single(TestCfg.Random(new Random(seed), 40));
            return ReorderBasicBlocks.ExtTspOrder(function, layout);
        }).ToList();
        var second = Enumerable.Range(0, 20).Select(seed =>
        {
            var (function, layout) = Single(TestCfg.Random(new Random(seed), 40));
            return ReorderBasicBlocks.ExtTspOrder(function, layout);
        }).ToList();
        for (int i = 0; i < first.Count; i++)
            second[i].ShouldBe(first[i]);
    }

    [Fact]
    public void The_pass_reorders_only_profiled_functions()
    {
        var hot = Fixture.Function(0, "hot", 0x1000, new TestCfg().Block(10, 100).Block(30, 1).Block(10, 100).Block(10, 100)
            .Edge(0, 1, 1, EdgeKind.FallThrough).Edge(0, 2, 99).Edge(1, 3, 1).Edge(2, 3, 99, EdgeKind.FallThrough));
        var cold = Fixture.Function(1, "cold", 0x2000, new TestCfg().Blocks(4, 10).Edge(0, 2).Edge(2, 1).Edge(1, 3));
        var context = Fixture.PassContext(Fixture.Context([hot, cold]), new LayoutOptions { ReorderBlocks = BlockReorderAlgorithm.ExtTsp });

        new ReorderBasicBlocks().Run(context);

        context.Layout[hot.Id]!.BlockOrder.ShouldBe([0, 2, 3, 1]);
        context.Layout[cold.Id]!.BlockOrder.ShouldBe([0, 1, 2, 3]);
    }
}
