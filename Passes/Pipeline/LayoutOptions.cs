namespace Rewriter.Passes;

/// <summary>How the blocks of each simple function are ordered (`--reorder-blocks`).</summary>
public enum BlockReorderAlgorithm
{
    /// <summary>Keep the input order.</summary>
    None,
    /// <summary>Entry first, then the other blocks backwards: a layout stress test for emission.</summary>
    Reverse,
    /// <summary>ExtTSP chain merging (REFERENCE.md §3), the BOLT default.</summary>
    ExtTsp,
    /// <summary>Entry first, the rest shuffled from <see cref="LayoutOptions.Seed"/>: a stress test for emission.</summary>
    ClusterShuffle,
}

/// <summary>How functions are ordered in the new .text (`--reorder-functions`).</summary>
public enum FunctionReorderAlgorithm
{
    None,
    /// <summary>By profiled entry count, hottest first.</summary>
    ExecCount,
    HfSort,
    CdSort,
    /// <summary>The order listed in <see cref="LayoutOptions.FunctionOrderFile"/>.</summary>
    User,
}

/// <summary>
/// Every layout choice the command line can make. Option names and defaults follow llvm-bolt.
/// </summary>
public sealed record LayoutOptions
{
    public BlockReorderAlgorithm ReorderBlocks { get; init; } = BlockReorderAlgorithm.None;
    /// <summary>Seed for <see cref="BlockReorderAlgorithm.ClusterShuffle"/> (`--seed`).</summary>
    public int Seed { get; init; }
    /// <summary>`--split-functions`: move never-executed blocks to a cold fragment.</summary>
    public bool SplitFunctions { get; init; }
    /// <summary>`--split-all-cold`: accepted for BOLT compatibility; splitting already moves every zero-count block.</summary>
    public bool SplitAllCold { get; init; }
    /// <summary>`--split-eh`: landing pads that never ran may go cold, and with them the blocks that throw to them.</summary>
    public bool SplitLandingPads { get; init; }
    public FunctionReorderAlgorithm ReorderFunctions { get; init; } = FunctionReorderAlgorithm.None;
    /// <summary>`--function-order=FILE` for <see cref="FunctionReorderAlgorithm.User"/>: one function name per line.</summary>
    public string? FunctionOrderFile { get; init; }
    /// <summary>`--align-functions`: alignment of each hot function start in bytes (BOLT: 64). Emission applies it.</summary>
    public int AlignFunctions { get; init; } = 64;
    /// <summary>`--align-functions-max-bytes`: skip the alignment when it would cost more padding than this (BOLT: 32).</summary>
    public int AlignFunctionsMaxBytes { get; init; } = 32;
    /// <summary>`--use-compact-aligner`: the padding is at most the fragment's own size too, and none when the alignment costs more (BOLT: on).</summary>
    public bool CompactAlignment { get; init; } = true;
    /// <summary>`--print-after=PASS`: dump the layout after the named pass.</summary>
    public string? PrintAfter { get; init; }
    /// <summary>Threads for passes that decide each function on its own (block order); results never depend on it.</summary>
    public int ThreadCount { get; init; } = 1;

    /// <summary>Command-line spellings of <see cref="BlockReorderAlgorithm"/> (`cache+` is BOLT's old name for ext-tsp).</summary>
    public static IReadOnlyList<(string Name, BlockReorderAlgorithm Value)> BlockAlgorithmNames { get; } =
    [
        ("none", BlockReorderAlgorithm.None),
        ("reverse", BlockReorderAlgorithm.Reverse),
        ("ext-tsp", BlockReorderAlgorithm.ExtTsp),
        ("cache+", BlockReorderAlgorithm.ExtTsp),
        ("cluster-shuffle", BlockReorderAlgorithm.ClusterShuffle),
    ];

    public static IReadOnlyList<(string Name, FunctionReorderAlgorithm Value)> FunctionAlgorithmNames { get; } =
    [
        ("none", FunctionReorderAlgorithm.None),
        ("exec-count", FunctionReorderAlgorithm.ExecCount),
        ("hfsort", FunctionReorderAlgorithm.HfSort),
        ("cdsort", FunctionReorderAlgorithm.CdSort),
        ("user", FunctionReorderAlgorithm.User),
    ];

    /// <summary>Parses a `--reorder-blocks` value; null when it names no algorithm.</summary>
    public static BlockReorderAlgorithm? ParseBlockAlgorithm(string text) =>
        BlockAlgorithmNames.Where(n => n.Name == text).Select(n => (BlockReorderAlgorithm?)n.Value).FirstOrDefault();

    /// <summary>Parses a `--reorder-functions` value; null when it names no algorithm.</summary>
    public static FunctionReorderAlgorithm? ParseFunctionAlgorithm(string text) =>
        FunctionAlgorithmNames.Where(n => n.Name == text).Select(n => (FunctionReorderAlgorithm?)n.Value).FirstOrDefault();
}
