using Rewriter.Model;
using Rewriter.Passes.Chains;

namespace Rewriter.Passes.Functions;

/// <summary>
/// `--reorder-functions`: decides <see cref="BinaryLayout.FunctionOrder"/>. The chosen algorithm
/// orders the profiled functions; every other function follows in its current (input) order, so
/// the result always holds each non-PLT function exactly once.
/// </summary>
public sealed class ReorderFunctions : IBinaryPass
{
    public string Name => "reorder-functions";

    public void Run(PassContext context)
    {
        var algorithm = context.Options.ReorderFunctions;
        if (algorithm == FunctionReorderAlgorithm.None)
            return;
        var current = context.Layout.FunctionOrder;
        var functions = context.Binary.Functions;
        var profiled = current.Where(id => functions[id.Value].HasProfile).ToList();

        List<FunctionId> first;
        switch (algorithm)
        {
            case FunctionReorderAlgorithm.ExecCount:
                first = profiled.OrderByDescending(id => functions[id.Value].ExecutionCount).ThenBy(id => id.Value).ToList();
                break;
            case FunctionReorderAlgorithm.HfSort:
            {
                var graph = CallGraph.Build(context.Binary, context.Layout, profiled);
                first = HfSort.Order(graph).Select(node => graph.Functions[node]).ToList();
                break;
            }
            case FunctionReorderAlgorithm.CdSort:
            {
                var graph = CallGraph.Build(context.Binary, context.Layout, profiled);
                first = CdSortLayout.Compute(graph.Sizes, graph.Samples, graph.Calls).Select(node => graph.Functions[node]).ToList();
                break;
            }
            case FunctionReorderAlgorithm.User:
                if (context.Options.FunctionOrderFile is not { } path)
                {
                    context.Log.Warning("--reorder-functions=user needs --function-order=FILE; functions keep their order");
                    return;
                }
                first = FunctionOrderFile.Read(path, context.Binary, current, context.Log);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(context), algorithm, "unknown function reordering");
        }

        var placed = first.ToHashSet();
        context.Layout.FunctionOrder = [.. first, .. current.Where(id => !placed.Contains(id))];
        context.Log.Info($"reorder-functions: {first.Count} of {current.Count} functions placed by {LayoutOptions.FunctionAlgorithmNames.First(n => n.Value == algorithm).Name}");
    }
}
