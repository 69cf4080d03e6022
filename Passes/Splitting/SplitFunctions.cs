using Iced.Intel;
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
/// that would not shrink the hot part (the cold bytes do not pay for the branches into the cold
/// part growing, <see cref="CrossingCost"/>) is undone.
/// </summary>
public sealed class SplitFunctions : IBinaryPass
{
    /// <summary>Size of the `jmp rel32` a hot→cold edge costs when it has no branch of its own to lengthen.</summary>
    internal const ulong CrossFragmentBranchCost = 5;
    private const ulong NearJccSize = 6, NearJmpSize = 5;

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
        if (!function.HasProfile || function.BlockCountsUnknown || function.Body is not { Blocks: var blocks } body || blocks.All(b => b.ExecutionCount == 0))
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

        ulong growth = 0;
        foreach (var block in blocks)
            if (!cold[block.Index])
                foreach (var edge in block.Successors)
                    if (cold[edge.Target])
                        growth += CrossingCost(body, block, edge);
        if (coldSize <= growth)
            return null; // the hot part would not get smaller

        for (int b = 0; b < blocks.Length; b++)
            layout.IsCold[b] = cold[b];
        layout.BlockOrder = layout.BlockOrder.Where(b => !cold[b]).Concat(layout.BlockOrder.Where(b => cold[b])).ToArray();
        return coldSize;
    }

    /// <summary>
    /// The bytes the hot part grows by for an edge from a hot block into the cold fragment, from
    /// the block's input encoding: its branch takes the rel32 form (a short jcc grows by 4, a
    /// short jmp by 3, one already near not at all); a fall-through needs a new jmp (or an
    /// inverted jcc, no longer); a jump-table entry is data. Counting every such edge at a jmp's
    /// size instead undid splits that do shrink the hot part — and in non-relocation mode those
    /// are the splits that let a function fit in place.
    /// </summary>
    internal static ulong CrossingCost(FunctionBody body, BasicBlock from, Edge edge)
    {
        if (edge.Kind == EdgeKind.JumpTable)
            return 0;
        if (from.InstructionCount == 0)
            return CrossFragmentBranchCost; // no instructions known (hand-built CFGs)
        ref readonly var last = ref body.Instructions[from.LastInstruction];
        int branch = edge.Kind switch
        {
            EdgeKind.Taken when last.FlowControl == FlowControl.UnconditionalBranch && from.InstructionCount > 1 && HasFallThroughJump(from) => from.LastInstruction - 1,
            EdgeKind.Taken => from.LastInstruction,
            _ when last.FlowControl == FlowControl.UnconditionalBranch => from.LastInstruction, // the jmp after a jcc
            _ => -1,
        };
        if (branch < 0)
            return CrossFragmentBranchCost;
        ref readonly var instruction = ref body.Instructions[branch];
        ulong near = instruction.IsJccShortOrNear ? NearJccSize : instruction.IsJmpShortOrNear ? NearJmpSize : 0;
        if (near == 0)
            return CrossFragmentBranchCost; // a branch without a rel32 form (jrcxz, loop) needs a jump added
        return near > (ulong)instruction.Length ? near - (ulong)instruction.Length : 0;
    }

    /// <summary>A block ending in `jcc; jmp` reaches its fall-through successor through that jmp.</summary>
    private static bool HasFallThroughJump(BasicBlock block) => block.Successors.Exists(e => e.Kind == EdgeKind.FallThrough);

    private static bool CanGoCold(BasicBlock block, bool splitLandingPads) =>
        block.ExecutionCount == 0 && !block.IsEntry && (splitLandingPads || (!block.IsLandingPad && block.LandingPads.Count == 0));
}
