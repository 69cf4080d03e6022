namespace Rewriter.Cli;

/// <summary>What the user asked for, after parsing; the driver reads nothing else.</summary>
public sealed record RewriteOptions(
    string Input,
    string Output,
    bool ForceNewSegment,
    bool UpdateDebugSections,
    bool Verbose,
    bool TimeRewrite);
