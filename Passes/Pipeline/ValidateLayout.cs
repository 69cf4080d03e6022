using Rewriter.Model;

namespace Rewriter.Passes;

/// <summary>
/// The last pass: checks what emission relies on, so a layout bug stops here with a clear
/// message instead of producing a broken program. Per simple function: the block order is a
/// permutation of its blocks, starts with the entry block, which is hot, and the cold blocks
/// form its tail. The function order holds every non-PLT function exactly once.
/// (Branch fix-up for the decided order is emission's job, not a pass.)
/// </summary>
public sealed class ValidateLayout : IBinaryPass
{
    public string Name => "validate-layout";

    public void Run(PassContext context)
    {
        foreach (var layout in context.Layout.Functions)
            if (Check(context.FunctionOf(layout), layout) is { } problem)
                throw new InvalidOperationException($"internal error: layout of {context.FunctionOf(layout).Name}: {problem}");

        var expected = context.Binary.Functions.Where(f => f.Kind != FunctionKind.Plt).Select(f => f.Id.Value).Order();
        if (!context.Layout.FunctionOrder.Select(id => id.Value).Order().SequenceEqual(expected))
            throw new InvalidOperationException("internal error: the function order does not hold every non-PLT function exactly once");
    }

    /// <summary>What is wrong with one function's layout, or null.</summary>
    public static string? Check(BinaryFunction function, FunctionLayout layout)
    {
        int count = function.Body?.Blocks.Length ?? 0;
        var order = layout.BlockOrder;
        if (order.Length != count || layout.IsCold.Length != count)
            return $"{order.Length} blocks in the order, {count} in the function";
        var seen = new bool[count];
        foreach (int block in order)
        {
            if ((uint)block >= (uint)count || seen[block])
                return $"block {block} is out of range or placed twice";
            seen[block] = true;
        }
        if (count > 0 && (order[0] != 0 || layout.IsCold[0]))
            return "the entry block is not first, or not hot";
        for (int i = 1; i < count; i++)
            if (layout.IsCold[order[i - 1]] && !layout.IsCold[order[i]])
                return $"hot block {order[i]} follows a cold block";
        return null;
    }
}
