using Rewriter.Model;

namespace Rewriter.Passes;

/// <summary>
/// The `--print-after` dump: one line per simple function in function-id order, then the
/// function order. Stable text meant for FileCheck:
/// <code>
/// layout after reorder-blocks:
///   main: 0 2 1 | cold: 3 4
///   helper: 0 1
/// function order: main helper _start
/// </code>
/// Numbers are input block indices (input address order); blocks after `| cold:` go to the cold fragment.
/// </summary>
public static class LayoutPrinter
{
    public static void Print(PassContext context, string passName)
    {
        var output = context.PrintOutput;
        output.WriteLine($"layout after {passName}:");
        foreach (var layout in context.Layout.Functions.OrderBy(l => l.Function.Value))
            output.WriteLine($"  {FormatFunction(context.FunctionOf(layout), layout)}");
        output.WriteLine($"function order: {string.Join(' ', context.Layout.FunctionOrder.Select(id => context.Binary.Functions[id.Value].Name))}");
        output.Flush();
    }

    public static string FormatFunction(BinaryFunction function, FunctionLayout layout)
    {
        var hot = layout.BlockOrder.Where(b => !layout.IsCold[b]);
        var cold = layout.BlockOrder.Where(b => layout.IsCold[b]).ToList();
        string text = $"{function.Name}: {string.Join(' ', hot)}";
        return cold.Count == 0 ? text : $"{text} | cold: {string.Join(' ', cold)}";
    }
}
