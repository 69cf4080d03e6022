using Rewriter.Diagnostics;
using Rewriter.Model;
using Rewriter.Passes.Tests.Support;

namespace Rewriter.Passes.Tests;

public class PassManagerTests
{
    private static BinaryContext Program() => Fixture.Context(
    [
        Fixture.Function(0, "main", 0x1000, new TestCfg().Block(10, 5).Block(200).Block(10, 5)
            .Edge(0, 1, 0, EdgeKind.FallThrough).Edge(0, 2, 5).Edge(1, 2, 0, EdgeKind.FallThrough)),
        Fixture.Function(1, "helper", 0x2000, new TestCfg().Blocks(3, 10).Edge(0, 1).Edge(1, 2)),
    ]);

    [Fact]
    public void The_standard_pipeline_times_every_pass_in_order()
    {
        var options = new LayoutOptions { ReorderBlocks = BlockReorderAlgorithm.ExtTsp, SplitFunctions = true, ReorderFunctions = FunctionReorderAlgorithm.ExecCount };
        var manager = PassPipeline.Create(options);

        var timings = manager.Run(Fixture.PassContext(Program(), options));

        timings.Select(t => t.Name).ShouldBe(["reorder-blocks", "split-functions", "reorder-functions", "validate-layout"]);
        timings.ShouldAllBe(t => t.Elapsed >= TimeSpan.Zero);
    }

    [Fact]
    public void Print_after_dumps_the_layout_after_the_named_pass()
    {
        var options = new LayoutOptions { ReorderBlocks = BlockReorderAlgorithm.Reverse, SplitFunctions = true, PrintAfter = "split-functions" };
        var print = new StringWriter();

        PassPipeline.Create(options).Run(Fixture.PassContext(Program(), options, print: print));

        print.ToString().ReplaceLineEndings("\n").ShouldBe(
            """
            layout after split-functions:
              main: 0 2 | cold: 1
              helper: 0 2 1
            function order: main helper

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Print_after_an_unknown_pass_warns()
    {
        var log = new StringWriter();
        var options = new LayoutOptions { PrintAfter = "no-such-pass" };

        PassPipeline.Create(options).Run(Fixture.PassContext(Program(), options, new Log(log, false)));

        log.ToString().ShouldStartWith("RW-WARNING: --print-after: no pass named 'no-such-pass' (passes: reorder-blocks, split-functions, reorder-functions, validate-layout)");
    }

    [Fact]
    public void Validation_catches_a_broken_layout()
    {
        var context = Fixture.PassContext(Program());
        context.Layout[new FunctionId(0)]!.BlockOrder = [1, 0, 2];
        Should.Throw<InvalidOperationException>(() => new ValidateLayout().Run(context)).Message.ShouldContain("main");

        context = Fixture.PassContext(Program());
        context.Layout.FunctionOrder = [new FunctionId(0)];
        Should.Throw<InvalidOperationException>(() => new ValidateLayout().Run(context));
    }

    [Fact]
    public void Algorithm_names_parse_like_llvm_bolt()
    {
        LayoutOptions.ParseBlockAlgorithm("ext-tsp").ShouldBe(BlockReorderAlgorithm.ExtTsp);
        LayoutOptions.ParseBlockAlgorithm("cache+").ShouldBe(BlockReorderAlgorithm.ExtTsp);
        LayoutOptions.ParseBlockAlgorithm("cluster-shuffle").ShouldBe(BlockReorderAlgorithm.ClusterShuffle);
        LayoutOptions.ParseBlockAlgorithm("bogus").ShouldBeNull();
        LayoutOptions.ParseFunctionAlgorithm("cdsort").ShouldBe(FunctionReorderAlgorithm.CdSort);
        LayoutOptions.ParseFunctionAlgorithm("user").ShouldBe(FunctionReorderAlgorithm.User);
        LayoutOptions.ParseFunctionAlgorithm("hfsort+").ShouldBeNull();
    }
}
