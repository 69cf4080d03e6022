namespace Rewriter.DebugUpdate.Verification;

/// <summary>What verify-debug found: every difference (up to a cap) and counts of what was compared.</summary>
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
    public int LineRowsCompared { get; internal set; }
    public int RangesCompared { get; internal set; }
    public int LocationListsCompared { get; internal set; }

    public int Count(DifferenceKind kind) => _countByKind[(int)kind];

    internal void Add(DifferenceKind kind, string path, string message)
    {
        DifferenceCount++;
        _countByKind[(int)kind]++;
        if (_differences.Count < MaxDetailedDifferences)
            _differences.Add(new VerificationDifference(kind, path, message));
    }

    /// <summary>One greppable line per difference, then a summary line.</summary>
    public void WriteTo(TextWriter writer)
    {
        foreach (var difference in _differences)
            writer.WriteLine($"RW-ERROR: verify-debug: {difference.Kind.ToString().ToLowerInvariant()}: {difference.Path}: {difference.Message}");
        if (DifferenceCount > _differences.Count)
            writer.WriteLine($"RW-ERROR: verify-debug: ... {DifferenceCount - _differences.Count} more differences not shown");
        writer.WriteLine(Summary());
    }

    public string Summary()
    {
        string compared = $"{UnitsCompared} units, {DiesCompared} DIEs, {LineRowsCompared} line rows, {RangesCompared} range sets, {LocationListsCompared} location lists compared";
        if (!HasDifferences)
            return $"RW-INFO: verify-debug: no differences ({compared})";
        var kinds = Enum.GetValues<DifferenceKind>().Where(k => Count(k) > 0).Select(k => $"{Count(k)} {k.ToString().ToLowerInvariant()}");
        return $"RW-INFO: verify-debug: {DifferenceCount} differences ({string.Join(", ", kinds)}; {compared})";
    }

    public override string ToString()
    {
        var writer = new StringWriter();
        WriteTo(writer);
        return writer.ToString();
    }
}
