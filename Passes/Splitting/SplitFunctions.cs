using Rewriter.Model;

namespace Rewriter.Passes.Splitting;

/// <summary>
/// `--split-functions` (and `--split-all-cold`, which means the same here): blocks a profiled
/// function never executed go to its cold fragment (`name.cold.0` in .text.cold), keeping their
/// relative order at the end of the block order.
///
/// A block stays hot when it
/// <list type="bullet">
/// <item>ran (execution count &gt; 0);</item>
/// <item>is an entry (the function start or a secondary entry point: callers jump there);</item>
/// <item>is a landing pad, or calls something that can unwind to one — unless `--split-eh` is given.
/// Without it landing pads stay with their throwers; with it a never-executed landing pad goes cold
/// like any other block, and each fragment's LSDA then names landing pads in either fragment from
/// one LPStart at the hot fragment's start (the cold fragment always lies above it).</item>
/// </list>
/// A function whose blocks all have count zero is not split (nothing in it is hot), and a split
/// that would not shrink the hot part (the cold bytes do not pay for the jumps into the cold part)
/// is undone.
/// </summary>
public sealed class SplitFunctions : IBinaryPass
{
    /// <summary>Size of the `jmp rel32` or grown branch each hot→cold edge is assumed to cost.</summary>
    internal const ulong CrossFragmentBranchCost = 5;

    public string Name => "split-functions";

    public void Run(PassContext context)
    {
        if (!context.Options.SplitFunctions && !context.Options.SplitAllCold)
            return;
        int split = 0;
        ulong coldBytes = 0;
        foreach (var layout in context.Layout.Functions)
        {
            var function = context.FunctionOf(layout);
            if (Split(function, layout, context.Options.SplitLandingPads) is { } bytes)
            {
                split++;
                coldBytes += bytes;
            }
        }
        context.Log.Info($"split-functions: {split} functions split, {coldBytes} bytes moved to .text.cold");
    }

    /// <summary>Splits one function; returns the bytes moved to the cold fragment, or null when it stays whole.</summary>
    public static ulong? Split(BinaryFunction function, FunctionLayout layout, bool splitLandingPads = false)
    {
        if (!function.HasProfile || function.BlockCountsUnknown || function.Body is not { Blocks: var blocks } || blocks.All(b => b.ExecutionCount == 0))
            return null;

        var cold = new bool[blocks.Length];
        ulong coldSize = 0;
        foreach (var block in blocks)
        {
            cold[block.Index] = CanGoCold(block, splitLandingPads) && block.Index != layout.BlockOrder[0];
            if (cold[block.Index])
                coldSize += block.Size;
        }
        if (coldSize == 0)
            return null;

        ulong crossings = 0;
        foreach (var block in blocks)
            if (!cold[block.Index])
                foreach (var edge in block.Successors)
                    if (cold[edge.Target])
                        crossings++;
        if (coldSize <= crossings * CrossFragmentBranchCost)
            return null; // the hot part would not get smaller

        for (int b = 0; b < blocks.Length; b++)
            layout.IsCold[b] = cold[b];
        layout.BlockOrder = layout.BlockOrder.Where(b => !cold[b]).Concat(layout.BlockOrder.Where(b => cold[b])).ToArray();
        return coldSize;
    }

    private static bool CanGoCold(BasicBlock block, bool splitLandingPads) =>
        block.ExecutionCount == 0 && !block.IsEntry && (splitLandingPads || (!block.IsLandingPad && block.LandingPads.Count == 0));
}
