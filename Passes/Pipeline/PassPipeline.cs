using Rewriter.Passes.Blocks;
using Rewriter.Passes.Functions;
using Rewriter.Passes.Splitting;

namespace Rewriter.Passes;

/// <summary>The standard pass order (BOLT's, restricted to layout decisions).</summary>
public static class PassPipeline
{
    /// <summary>
    /// reorder-blocks → split-functions → reorder-functions → validate-layout. Every pass is
    /// present whatever the options (a disabled one does nothing), so `--print-after` and the
    /// timing table always know the same names. Not here, because emission does them while
    /// encoding: branch fix-up for the new order (FixupBranches) and function alignment
    /// (<see cref="LayoutOptions.AlignFunctions"/>).
    /// </summary>
    public static PassManager Create(LayoutOptions options) =>
        new([new ReorderBasicBlocks(), new SplitFunctions(), new ReorderFunctions(), new ValidateLayout()]);
}
