namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// Counts what the update had to leave out (an address inside moved code that is no instruction
/// start, say), so the user gets one RW-WARNING per kind rather than one per DIE. Thread-safe.
/// </summary>
public sealed class DebugUpdateWarnings
{
    private readonly Dictionary<string, (int Count, string Example)> _counts = new(StringComparer.Ordinal);

    public void Add(string kind, string example)
    {
        lock (_counts)
        {
            _counts[kind] = _counts.TryGetValue(kind, out var seen) ? (seen.Count + 1, seen.Example) : (1, example);
        }
    }

    /// <summary>One line per kind, in a stable order.</summary>
    public IEnumerable<string> Lines()
    {
        lock (_counts)
        {
            return _counts.OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => $"{c.Key}: {c.Value.Count} time(s), for example {c.Value.Example}").ToList();
        }
    }
}
