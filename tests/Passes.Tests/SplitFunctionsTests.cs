using Iced.Intel;
using Rewriter.Model;
using Rewriter.Passes.Splitting;
using Rewriter.Passes.Tests.Support;

namespace Rewriter.Passes.Tests;

public class SplitFunctionsTests
{
    private static PassContext Run(BinaryFunction function, LayoutOptions? options = null)
    {
        var context = Fixture.PassContext(Fixture.Context([function]), options ?? new LayoutOptions { SplitFunctions = true });
        new SplitFunctions().Run(context);
        return context;
    }

    [Fact]
    public void Exactly_the_never_executed_blocks_go_cold_at_the_end_in_order()
    {
        // 0 hot entry, 1 cold, 2 hot, 3 cold landing pad, 4 cold thrower (into 3), 5 cold, 6 hot.
        var cfg = new TestCfg().Block(20, 10).Block(40).Block(20, 10).Block(40).Block(40).Block(40).Block(20, 10)
            .Edge(0, 1, 0, EdgeKind.FallThrough).Edge(0, 2, 10)
            .Edge(1, 4, 0).Edge(2, 6, 10).Edge(4, 5, 0, EdgeKind.FallThrough).Edge(5, 6, 0, EdgeKind.FallThrough)
            .LandingPad(4, 3);
        var function = Fixture.Function(0, "f", 0x1000, cfg);

        var layout = Run(function).Layout[function.Id]!;

        layout.IsCold.ShouldBe([false, true, false, false, false, true, false]);
        layout.BlockOrder.ShouldBe([0, 2, 3, 4, 6, 1, 5]);
        ValidateLayout.Check(function, layout).ShouldBeNull();
    }

    [Fact]
    public void The_entry_stays_hot_even_with_count_zero()
    {
        // A profiled function entered through a path the profile missed; block 2 is hot.
        var cfg = new TestCfg().Block(20, 0).Block(100).Block(20, 5).Edge(0, 1, 0, EdgeKind.FallThrough).Edge(0, 2, 0).Edge(2, 2, 5);
        var function = Fixture.Function(0, "f", 0x1000, cfg);

        var layout = Run(function).Layout[function.Id]!;

        layout.IsCold.ShouldBe([false, true, false]);
        layout.BlockOrder.ShouldBe([0, 2, 1]);
    }

    [Fact]
    public void A_split_that_does_not_shrink_the_hot_part_is_undone()
    {
        // The only cold block is 2 bytes long, and reaching it from hot code costs a jump.
        var cfg = new TestCfg().Block(20, 10).Block(2).Block(20, 10).Edge(0, 1, 0, EdgeKind.FallThrough).Edge(0, 2, 10).Edge(1, 2, 0, EdgeKind.FallThrough);
        var function = Fixture.Function(0, "f", 0x1000, cfg);

        var layout = Run(function).Layout[function.Id]!;

        layout.IsSplit.ShouldBeFalse();
        layout.BlockOrder.ShouldBe([0, 1, 2]);
    }

    [Theory]
    // A short jcc into a 5-byte cold tail grows by 4 bytes: the hot part still shrinks by one.
    [InlineData(Code.Jg_rel8_64, 5UL, true)]
    [InlineData(Code.Jg_rel8_64, 4UL, false)]
    // A jcc already near costs nothing to aim at the cold fragment.
    [InlineData(Code.Jg_rel32_64, 1UL, true)]
    // A short jmp grows by 3 bytes.
    [InlineData(Code.Jmp_rel8_64, 4UL, true)]
    [InlineData(Code.Jmp_rel8_64, 3UL, false)]
    public void A_split_pays_for_the_branches_into_the_cold_part_growing(Code branch, ulong coldSize, bool split)
    {
        // 0 hot entry ending in the branch to 2 (never taken); 1 hot, falls into nothing; 2 cold.
        var cfg = new TestCfg().Block(20, 10).Block(20, 10).Block(coldSize).Branch(0, 2, branch).Edge(0, 2, 0);
        if (branch.IsJccShortOrNear())
            cfg.Edge(0, 1, 10, EdgeKind.FallThrough);
        var function = Fixture.Function(0, "f", 0x1000, cfg);

        var layout = Run(function).Layout[function.Id]!;

        layout.IsSplit.ShouldBe(split);
        layout.BlockOrder.ShouldBe([0, 1, 2]);
    }

    [Fact]
    public void Functions_without_profile_or_that_never_ran_stay_whole()
    {
        var unprofiled = Fixture.Function(0, "f", 0x1000, new TestCfg().Blocks(3, 100).Edge(0, 1).Edge(1, 2));
        Run(unprofiled).Layout[unprofiled.Id]!.IsSplit.ShouldBeFalse();

        var neverRan = Fixture.Function(0, "g", 0x1000, new TestCfg().Blocks(3, 100).Edge(0, 1).Edge(1, 2));
        neverRan.HasProfile = true;
        Run(neverRan).Layout[neverRan.Id]!.IsSplit.ShouldBeFalse();
    }

    [Fact]
    public void A_function_whose_block_counts_are_unknown_stays_whole()
    {
        // Entered 100 times, yet no edge inside has a count: the zeros mean "not measured".
        var cfg = new TestCfg().Block(20, 100).Block(100).Block(20).Edge(0, 1, 0, EdgeKind.FallThrough).Edge(0, 2, 0);
        var function = Fixture.Function(0, "f", 0x1000, cfg);
        Run(function).Layout[function.Id]!.IsSplit.ShouldBeTrue();

        var unmeasured = Fixture.Function(0, "g", 0x1000, cfg);
        unmeasured.BlockCountsUnknown = true;
        Run(unmeasured).Layout[unmeasured.Id]!.IsSplit.ShouldBeFalse();
    }

    [Fact]
    public void Nothing_is_split_without_the_option_and_split_all_cold_alone_splits()
    {
        var cfg = new TestCfg().Block(20, 10).Block(100).Block(20, 10).Edge(0, 1, 0, EdgeKind.FallThrough).Edge(0, 2, 10);
        var function = Fixture.Function(0, "f", 0x1000, cfg);
        Run(function, new LayoutOptions()).Layout[function.Id]!.IsSplit.ShouldBeFalse();
        Run(function, new LayoutOptions { SplitAllCold = true }).Layout[function.Id]!.IsSplit.ShouldBeTrue();
    }
}
