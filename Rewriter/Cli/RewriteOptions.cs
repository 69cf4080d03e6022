using Rewriter.DebugUpdate.Contract;
using Rewriter.Emission;
using Rewriter.Passes;

namespace Rewriter.Cli;

/// <summary>What the user asked for, after parsing; the driver reads nothing else.</summary>
public sealed record RewriteOptions(
    string Input,
    string Output,
    bool ForceNewSegment,
    bool UpdateDebugSections,
    bool Verbose,
    bool TimeRewrite,
    string? ProfilePath,
    int ThreadCount,
    bool PrintCfg,
    bool DynoStats,
    bool PrintNonSimple,
    LayoutOptions Layout,
    bool Lite = true,
    DebugUpdateOptions? Debug = null,
    SplitDwarfOptions? Split = null)
{
    public DebugUpdateOptions DebugUpdate => Debug ?? new DebugUpdateOptions();
    public SplitDwarfOptions SplitDwarf => Split ?? SplitDwarfOptions.Default;

    /// <summary>Code moves when any layout option asks for a change.</summary>
    public bool MovesCode => Layout.ReorderBlocks != BlockReorderAlgorithm.None || Layout.SplitFunctions
        || Layout.ReorderFunctions != FunctionReorderAlgorithm.None;

    /// <summary>Analysis (functions, CFG, profile) runs only when something uses it.</summary>
    public bool NeedsAnalysis => MovesCode || ProfilePath != null || PrintCfg || DynoStats || PrintNonSimple || Verbose;

    public EmissionOptions Emission => new((ulong)Layout.AlignFunctions, (ulong)Layout.AlignFunctionsMaxBytes, ThreadCount, Layout.CompactAlignment);
}
