namespace Rewriter.DebugUpdate.Contract;

/// <summary>
/// What the debug update hands back: the rebuilt sections (as chunks, in order), the input sections
/// that must go (they would describe the old program), the warnings, and its own measurements.
/// </summary>
public sealed record DebugUpdateResult(
    IReadOnlyDictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> Sections,
    IReadOnlyList<string> DroppedSections,
    IReadOnlyList<string> Warnings,
    DebugUpdateStatistics Statistics)
{
    /// <summary>The rebuilt sections of each split file, in the order of <see cref="SplitDwarfInput.Files"/>; the sections not named are copied.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>>> SplitFiles { get; init; } = [];
}

/// <summary>Bucket sizes and phase times: what bounds the update's speedup at any thread count.</summary>
public sealed record DebugUpdateStatistics(
    int UnitCount,
    int BucketCount,
    int LargestBucketUnits,
    /// <summary>The largest bucket's share of the input .debug_info bytes: 1/share bounds the speedup of the build.</summary>
    double LargestBucketShare,
    TimeSpan Partition,
    TimeSpan Build,
    TimeSpan Merge,
    /// <summary>Each bucket's build time, in bucket order.</summary>
    IReadOnlyList<TimeSpan> BucketTimes)
{
    /// <summary>The .debug_frame rebuild (after the merge; its FDEs are re-split in parallel).</summary>
    public TimeSpan Frames { get; init; }

    /// <summary>Each bucket's share of the input .debug_info(.dwo) bytes, in bucket order.</summary>
    public IReadOnlyList<double> BucketShares { get; init; } = [];

    /// <summary>Each bucket's name in reports (its first unit's), in bucket order.</summary>
    public IReadOnlyList<string> BucketNames { get; init; } = [];

    /// <summary>The bucket that took longest: its index (-1 when there is none).</summary>
    public int SlowestBucket => BucketTimes.Count == 0 ? -1 : Enumerable.Range(0, BucketTimes.Count).MaxBy(b => BucketTimes[b]);

    /// <summary>The speedup N threads could reach: total work over the critical path (largest bucket + serial phases).</summary>
    public double SpeedupBound(int threads)
    {
        double build = BucketTimes.Sum(t => t.TotalSeconds);
        double largest = BucketTimes.Count == 0 ? 0 : BucketTimes.Max(t => t.TotalSeconds);
        double serial = Partition.TotalSeconds + Merge.TotalSeconds;
        double critical = serial + Math.Max(largest, build / threads);
        return critical <= 0 ? 1 : (serial + build) / critical;
    }
}
