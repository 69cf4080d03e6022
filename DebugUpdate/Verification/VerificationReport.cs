namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// What verify-debug found: every difference (up to a cap) and counts of what was compared. Each
/// unit pair fills a report of its own (threads never share one); they are merged in unit order,
/// so the output is the same for every thread count.
/// </summary>
public sealed class VerificationReport
{
    /// <summary>Differences kept in detail; the rest are only counted.</summary>
    public const int MaxDetailedDifferences = 10_000;

    private readonly List<VerificationDifference> _differences = [];
    private readonly int[] _countByKind = new int[Enum.GetValues<DifferenceKind>().Length];

    public IReadOnlyList<VerificationDifference> Differences => _differences;
    public int DifferenceCount { get; private set; }
    public bool HasDifferences => DifferenceCount > 0;

    public int UnitsCompared { get; internal set; }
    public int DiesCompared { get; internal set; }
    public long AttributesCompared { get; internal set; }
    public int LineRowsCompared { get; internal set; }
    public int RangesCompared { get; internal set; }
    public int ExpressionsCompared { get; internal set; }
    public int LocationListsCompared { get; internal set; }
    public int IndexEntriesCompared { get; internal set; }
    public int CallFrameRowsCompared { get; internal set; }

    public int Count(DifferenceKind kind) => _countByKind[(int)kind];

    internal void Add(DifferenceKind kind, string path, string message)
    {
        DifferenceCount++;
        _countByKind[(int)kind]++;
        if (_differences.Count < MaxDetailedDifferences)
            _differences.Add(new VerificationDifference(kind, path, message));
    }

    /// <summary>Appends another report's differences and counts after this one's.</summary>
    internal void Merge(VerificationReport other)
    {
        foreach (var difference in other._differences)
            if (_differences.Count < MaxDetailedDifferences)
                _differences.Add(difference);
        DifferenceCount += other.DifferenceCount;
        for (int i = 0; i < _countByKind.Length; i++)
            _countByKind[i] += other._countByKind[i];
        UnitsCompared += other.UnitsCompared;
        DiesCompared += other.DiesCompared;
        AttributesCompared += other.AttributesCompared;
        LineRowsCompared += other.LineRowsCompared;
        RangesCompared += other.RangesCompared;
        ExpressionsCompared += other.ExpressionsCompared;
        LocationListsCompared += other.LocationListsCompared;
        IndexEntriesCompared += other.IndexEntriesCompared;
        CallFrameRowsCompared += other.CallFrameRowsCompared;
    }

    /// <summary>One greppable line per difference, then a summary line.</summary>
    public void WriteTo(TextWriter writer)
    {
        foreach (var difference in _differences)
            writer.WriteLine($"RW-ERROR: verify-debug: {Name(difference.Kind)}: {difference.Path}: {difference.Message}");
        if (DifferenceCount > _differences.Count)
            writer.WriteLine($"RW-ERROR: verify-debug: ... {DifferenceCount - _differences.Count} more differences not shown");
        writer.WriteLine(Summary());
    }

    public string Summary()
    {
        string compared = $"{UnitsCompared} units, {DiesCompared} DIEs, {AttributesCompared} attributes, {LineRowsCompared} line rows, "
            + $"{RangesCompared} range sets, {ExpressionsCompared} expressions, {LocationListsCompared} location lists, "
            + $"{IndexEntriesCompared} index entries, {CallFrameRowsCompared} call frame addresses compared";
        var perCheck = string.Join(", ", Enum.GetValues<DifferenceKind>().Select(k => $"{Name(k)} {Count(k)}"));
        if (!HasDifferences)
            return $"RW-INFO: verify-debug: no differences ({compared}; differences per check: {perCheck})";
        return $"RW-INFO: verify-debug: {DifferenceCount} differences ({compared}; differences per check: {perCheck})";
    }

    private static string Name(DifferenceKind kind) => kind.ToString().ToLowerInvariant();

    public override string ToString()
    {
        var writer = new StringWriter();
        WriteTo(writer);
        return writer.ToString();
    }
}
