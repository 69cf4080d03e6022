namespace Rewriter.DebugUpdate.Contract;

/// <summary>What the user asked of the debug update (llvm-bolt's option names where they mean the same).</summary>
public sealed record DebugUpdateOptions
{
    /// <summary>Buckets rebuilt at once (--debug-thread-count). The output never depends on it.</summary>
    public int ThreadCount { get; init; } = Environment.ProcessorCount;

    /// <summary>--always-convert-to-ranges: every scope with code gets DW_AT_ranges, even a contiguous one.</summary>
    public bool AlwaysConvertToRanges { get; init; }

    /// <summary>--keep-aranges: .debug_aranges is written even when the input has none.</summary>
    public bool KeepAranges { get; init; }

    /// <summary>--create-debug-names-section: write .debug_names over every unit even when the input has none.</summary>
    public bool CreateDebugNames { get; init; }

    /// <summary>
    /// DIEs that describe no code are copied through (the default). Off, every DIE is written again
    /// attribute by attribute: the tests check that both give the same bytes.
    /// </summary>
    internal bool CopyUnchangedDies { get; init; } = true;
}
