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
    bool PrintNonSimple)
{
    /// <summary>Analysis (functions, CFG, profile) runs only when something uses it.</summary>
    public bool NeedsAnalysis => ProfilePath != null || PrintCfg || DynoStats || PrintNonSimple || Verbose;
}
