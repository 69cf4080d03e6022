using Rewriter.Passes.Blocks;
using Rewriter.Passes.Tests.Support;

namespace Rewriter.Passes.Tests;

public class TestOrderTests
{
    [Fact]
    public void Reverse_keeps_the_entry_first()
    {
        TestOrders.Reverse([0, 1, 2, 3, 4]).ShouldBe([0, 4, 3, 2, 1]);
        TestOrders.Reverse([0]).ShouldBe([0]);
        TestOrders.Reverse([]).ShouldBeEmpty();
    }

    [Fact]
    public void Shuffle_is_a_permutation_with_the_entry_first()
    {
        for (int seed = 0; seed < 50; seed++)
        {
            var order = TestOrders.Shuffle(Enumerable.Range(0, 12).ToArray(), seed, functionId: 3);
            order[0].ShouldBe(0);
            order.Order().ShouldBe(Enumerable.Range(0, 12));
        }
    }

    [Fact]
    public void Shuffle_is_deterministic_per_seed_and_differs_across_seeds()
    {
        var input = Enumerable.Range(0, 12).ToArray();
        TestOrders.Shuffle(input, 1, 0).ShouldBe(TestOrders.Shuffle(input, 1, 0));
        TestOrders.Shuffle(input, 1, 0).ShouldNotBe(TestOrders.Shuffle(input, 2, 0));
        TestOrders.Shuffle(input, 1, 0).ShouldNotBe(TestOrders.Shuffle(input, 1, 1), "functions get their own stream");
        TestOrders.Shuffle(input, 1, 0).ShouldNotBe(input);
    }

    [Fact]
    public void The_pass_applies_test_orders_to_every_simple_function_profiled_or_not()
    {
        var f = Fixture.Function(0, "f", 0x1000, new TestCfg().Blocks(5, 4));
        var context = Fixture.PassContext(Fixture.Context([f]), new LayoutOptions { ReorderBlocks = BlockReorderAlgorithm.Reverse });

        new ReorderBasicBlocks().Run(context);

        context.Layout[f.Id]!.BlockOrder.ShouldBe([0, 4, 3, 2, 1]);
    }
}
