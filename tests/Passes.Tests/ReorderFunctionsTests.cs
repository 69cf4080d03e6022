using Rewriter.Diagnostics;
using Rewriter.Model;
using Rewriter.Passes.Chains;
using Rewriter.Passes.Functions;
using Rewriter.Passes.Tests.Support;

namespace Rewriter.Passes.Tests;

public class ReorderFunctionsTests
{
    /// <summary>
    /// 0 main (hot) calls 3 hot_a many times and 5 hot_b; 3 calls 6 leaf; 1, 2, 4 cold filler
    /// between them; 7 a PLT entry; 8 never profiled.
    /// </summary>
    private static BinaryContext CallProgram()
    {
        const ulong stride = 0x1000;
        ulong At(int id) => 0x10000 + (ulong)id * stride;
        var functions = new List<BinaryFunction>
        {
            Fixture.Function(0, "main", At(0), new TestCfg().Block(64, 1).Block(64, 1000).Edge(0, 1, 1, EdgeKind.FallThrough).Call(1, At(3)).Call(0, At(5))),
            Fixture.Function(1, "filler1", At(1), 400, executionCount: 2, hasProfile: true),
            Fixture.Function(2, "filler2", At(2), 400, executionCount: 1, hasProfile: true),
            Fixture.Function(3, "hot_a", At(3), new TestCfg().Block(100, 1000).Call(0, At(6))),
            Fixture.Function(4, "filler4", At(4), 400, executionCount: 3, hasProfile: true),
            Fixture.Function(5, "hot_b", At(5), new TestCfg().Block(100, 1)),
            Fixture.Function(6, "leaf", At(6), new TestCfg().Block(30, 1000)),
            Fixture.Function(7, "puts@plt", At(7), 16, kind: FunctionKind.Plt),
            Fixture.Function(8, "unprofiled", At(8), 100),
        };
        return Fixture.Context(functions);
    }

    private static List<string> Run(BinaryContext context, LayoutOptions options, Log? log = null)
    {
        var passContext = Fixture.PassContext(context, options, log);
        new ReorderFunctions().Run(passContext);
        new ValidateLayout().Run(passContext);
        return passContext.Layout.FunctionOrder.Select(id => context.Functions[id.Value].Name).ToList();
    }

    private static void ShouldHoldEveryNonPltFunctionOnce(List<string> order) =>
        order.Order().ShouldBe(new[] { "filler1", "filler2", "filler4", "hot_a", "hot_b", "leaf", "main", "unprofiled" });

    [Fact]
    public void None_keeps_the_input_order_without_plt()
    {
        Run(CallProgram(), new LayoutOptions()).ShouldBe(["main", "filler1", "filler2", "hot_a", "filler4", "hot_b", "leaf", "unprofiled"]);
    }

    [Fact]
    public void Exec_count_orders_profiled_functions_by_count_then_the_rest()
    {
        var order = Run(CallProgram(), new LayoutOptions { ReorderFunctions = FunctionReorderAlgorithm.ExecCount });
        ShouldHoldEveryNonPltFunctionOnce(order);
        order.ShouldBe(["hot_a", "leaf", "filler4", "filler1", "main", "filler2", "hot_b", "unprofiled"]); // ties by id
    }

    [Theory]
    [InlineData(FunctionReorderAlgorithm.HfSort)]
    [InlineData(FunctionReorderAlgorithm.CdSort)]
    public void Call_graph_orders_put_hot_callers_next_to_their_callees(FunctionReorderAlgorithm algorithm)
    {
        var order = Run(CallProgram(), new LayoutOptions { ReorderFunctions = algorithm });

        ShouldHoldEveryNonPltFunctionOnce(order);
        // main→hot_a→leaf carry all the hot calls: the three end up side by side (in an order
        // that depends on where the call sites are), ahead of the rarely run fillers.
        var hotTrio = new[] { "main", "hot_a", "leaf" }.Select(name => order.IndexOf(name)).Order().ToList();
        (hotTrio[2] - hotTrio[0]).ShouldBe(2, string.Join(" ", order));
        order.IndexOf("hot_a").ShouldBeLessThan(order.IndexOf("filler1"));
        order[^1].ShouldBe("unprofiled");
    }

    [Fact]
    public void Call_site_counts_from_the_profile_win_over_block_counts()
    {
        var context = CallProgram();
        var graph = CallGraph.Build(context, new BinaryLayout(context), context.Functions.Where(f => f.HasProfile).Select(f => f.Id).ToList());
        graph.Calls.ShouldContain(new WeightedEdge(0, 3, 1000, 64)); // main→hot_a from block 1's count, at offset 64
        graph.Calls.ShouldContain(new WeightedEdge(0, 5, 1, 0));     // main→hot_b from block 0's count

        var withSites = Fixture.Context(context.Functions, new Dictionary<ulong, ulong> { [0x10000 + 64] = 7 });
        var counted = CallGraph.Build(withSites, new BinaryLayout(withSites), withSites.Functions.Where(f => f.HasProfile).Select(f => f.Id).ToList());
        counted.Calls.ShouldContain(new WeightedEdge(0, 3, 7, 64));
    }

    /// <summary>
    /// 0 main calls 2 sort once; sort calls its comparison function 4 compare through a pointer
    /// 50,000 times and 3 rare twice; 1 busy is the densest function of all.
    /// </summary>
    private static BinaryContext IndirectCallProgram()
    {
        ulong At(int id) => 0x10000 + (ulong)id * 0x1000;
        ulong site = At(2) + 64; // the indirect call at the start of sort's block 1
        var functions = new List<BinaryFunction>
        {
            Fixture.Function(0, "main", At(0), new TestCfg().Block(64, 1).Call(0, At(2))),
            Fixture.Function(1, "busy", At(1), new TestCfg().Block(64, 200_000)),
            Fixture.Function(2, "sort", At(2), new TestCfg().Block(64, 1).Block(600, 50_002).Edge(0, 1, 1, EdgeKind.FallThrough).IndirectCall(1)),
            Fixture.Function(3, "rare", At(3), new TestCfg().Block(64, 2)),
            Fixture.Function(4, "compare", At(4), new TestCfg().Block(100, 50_000)),
        };
        return Fixture.Context(functions, new Dictionary<ulong, ulong> { [site] = 50_002 },
            new Dictionary<ulong, ProfiledCall[]> { [site] = [new(At(4), 50_000), new(At(3), 2)] });
    }

    [Fact]
    public void Indirect_calls_are_arcs_to_every_callee_the_profile_saw()
    {
        var context = IndirectCallProgram();
        var graph = CallGraph.Build(context, new BinaryLayout(context), context.Functions.Select(f => f.Id).ToList());

        graph.Calls.ShouldBe([new WeightedEdge(0, 2, 1, 0), new WeightedEdge(2, 3, 2, 64), new WeightedEdge(2, 4, 50_000, 64)]);
    }

    [Theory]
    [InlineData(FunctionReorderAlgorithm.HfSort)]
    [InlineData(FunctionReorderAlgorithm.CdSort)]
    public void A_function_is_placed_beside_the_callback_it_calls_most(FunctionReorderAlgorithm algorithm)
    {
        var order = Run(IndirectCallProgram(), new LayoutOptions { ReorderFunctions = algorithm });

        // Ordered by density alone, sort (50,002 calls over 664 bytes, entered once) would go last.
        Math.Abs(order.IndexOf("sort") - order.IndexOf("compare")).ShouldBe(1, string.Join(" ", order));
    }

    [Fact]
    public void Cdsort_merges_the_heaviest_pair_and_is_deterministic()
    {
        ulong[] sizes = [100, 100, 100, 100];
        ulong[] counts = [10, 500, 10, 500];
        WeightedEdge[] calls = [new(1, 3, 500), new(0, 2, 10)];

        var order = CdSortLayout.Compute(sizes, counts, calls);

        order.Order().ShouldBe([0, 1, 2, 3]);
        Math.Abs(Array.IndexOf(order, 1) - Array.IndexOf(order, 3)).ShouldBe(1);
        Array.IndexOf(order, 1).ShouldBeLessThan(Array.IndexOf(order, 0));
        CdSortLayout.Compute(sizes, counts, calls).ShouldBe(order);
    }

    [Fact]
    public void User_order_honours_the_file_and_warns_about_unknown_names()
    {
        string path = Path.Combine(Path.GetTempPath(), $"order-{Guid.NewGuid():N}.txt");
        File.WriteAllLines(path, ["# hot first", "leaf", "", "nonexistent", "  main  ", "leaf", "hot_b"]);
        var output = new StringWriter();
        try
        {
            var order = Run(CallProgram(), new LayoutOptions { ReorderFunctions = FunctionReorderAlgorithm.User, FunctionOrderFile = path }, new Log(output, false));

            order.ShouldBe(["leaf", "main", "hot_b", "filler1", "filler2", "hot_a", "filler4", "unprofiled"]);
            output.ToString().ShouldBe($"RW-WARNING: --function-order: {path}:4: no function named 'nonexistent'{Environment.NewLine}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void User_order_matches_profile_names_of_local_functions()
    {
        var functions = new List<BinaryFunction>
        {
            Fixture.Function(0, "a", 0x1000, 10),
            Fixture.Function(1, "helper", 0x2000, 10, profileNames: ["helper/1", "helper/file.c/1"]),
        };
        var context = Fixture.Context(functions);
        var order = FunctionOrderFile.Resolve(["helper/file.c/1"], "order.txt", context, [new(0), new(1)], Log.Silent);
        order.ShouldBe([new FunctionId(1)]);
    }

    [Fact]
    public void A_missing_order_file_is_a_file_access_error()
    {
        Should.Throw<FileAccessException>(() =>
            Run(CallProgram(), new LayoutOptions { ReorderFunctions = FunctionReorderAlgorithm.User, FunctionOrderFile = "/nonexistent/order.txt" }));
    }
}
