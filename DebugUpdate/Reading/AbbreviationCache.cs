using System.Collections.Concurrent;

namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// Parsed abbreviation tables of one .debug_abbrev section, shared by every unit that uses the same
/// offset. Keyed by the unit encoding too, because the precomputed sizes depend on it.
/// Thread-safe: units may be indexed in parallel.
/// </summary>
public sealed class AbbreviationCache
{
    private readonly SectionView _section;
    private readonly ConcurrentDictionary<(ulong Offset, UnitEncoding Encoding), AbbreviationTable> _tables = new();

    public AbbreviationCache(SectionView section) => _section = section;

    public SectionView Section => _section;

    public AbbreviationTable Get(ulong offset, UnitEncoding encoding)
    {
        // Only the parts of the encoding that change form sizes matter.
        var key = (offset, encoding with { Version = encoding.Version <= 2 ? (ushort)2 : (ushort)3 });
        if (_tables.TryGetValue(key, out var table))
            return table;
        return _tables.GetOrAdd(key, k => AbbreviationTable.Parse(_section, k.Offset, k.Encoding));
    }
}
