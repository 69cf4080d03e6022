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

/// <summary>
/// One bucket as reports show it: its name (its first unit's), how many units it holds, its share
/// of the input .debug_info(.dwo) bytes (1/share bounds the build's speedup) and its build time.
/// </summary>
public sealed record BucketStatistics(string Name, int Units, double Share, TimeSpan Time);

/// <summary>Buckets and phase times: what bounds the update's speedup at any thread count.</summary>
public sealed record DebugUpdateStatistics(
    int UnitCount,
    /// <summary>Every bucket, in bucket order.</summary>
    IReadOnlyList<BucketStatistics> Buckets,
    TimeSpan Partition,
    TimeSpan Build,
    TimeSpan Merge)
{
    /// <summary>The .debug_frame rebuild (after the merge; its FDEs are re-split in parallel).</summary>
    public TimeSpan Frames { get; init; }

    /// <summary>
    /// The part of <see cref="Merge"/> done while buckets were built (finished buckets are merged
    /// as they come, one at a time): serial work, but beside the build, not after it.
    /// </summary>
    public TimeSpan StreamedMerge { get; init; }

    /// <summary>The main file's units' DIEs and location lists, and how many of each were copied as they were.</summary>
    public UnitWork Work { get; init; }

    /// <summary>The bucket with the most bytes (the first of them), or null for none.</summary>
    public BucketStatistics? Largest => Buckets.Count == 0 ? null : Buckets.MaxBy(b => b.Share);

    /// <summary>The bucket that took longest, or null for none.</summary>
    public BucketStatistics? Slowest => Buckets.Count == 0 ? null : Buckets.MaxBy(b => b.Time);

    /// <summary>
    /// The speedup N threads could reach: total work over the critical path, the serial phases
    /// (partition, the merge after the build) plus the longest of the slowest bucket, the streamed
    /// merge (one at a time) and the build and streamed merge shared among N.
    /// </summary>
    public double SpeedupBound(int threads)
    {
        double build = Buckets.Sum(b => b.Time.TotalSeconds);
        double largest = Slowest?.Time.TotalSeconds ?? 0;
        double streamed = StreamedMerge.TotalSeconds;
        double serial = Partition.TotalSeconds + Merge.TotalSeconds - streamed;
        double critical = serial + Math.Max(Math.Max(largest, streamed), (build + streamed) / threads);
        return critical <= 0 ? 1 : (serial + build + streamed) / critical;
    }
}
