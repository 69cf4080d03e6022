using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Compares two location lists entry by entry: the output may cut the entries differently (a
/// piece per fragment of moved code), but what it covers must be exactly the translation of what
/// the original covered, and at every address the output's expression must equal the original's
/// expression there. Default entries must match one for one. Also compares location views
/// (DW_AT_GNU_locviews) by the entry boundaries they belong to.
/// </summary>
internal sealed class LocationListComparer(AddressMapping mapping, ExpressionComparer expressions)
{
    private readonly record struct Piece(ulong Start, ulong End, int Entry);

    private static readonly Comparison<Piece> ByStart = (a, b) => a.Start.CompareTo(b.Start);
    // PERF: an explicit comparison: List<ulong>.Sort() would use a sort helper the runtime compiles on first use.
    private static readonly Comparison<ulong> Ascending = (a, b) => a.CompareTo(b);

    private readonly List<Piece> _expected = [];
    private readonly List<Piece> _actual = [];
    private readonly List<AddressRange> _translated = [];
    private readonly List<ulong> _boundaries = [];

    /// <summary>Null when equal; else the first place they differ, with both values.</summary>
    public string? Compare(DwarfUnit originalUnit, List<LocationListEntry> original, DwarfUnit rewrittenUnit, List<LocationListEntry> rewritten)
    {
        if (CompareDefaults(originalUnit, original, rewrittenUnit, rewritten) is { } defaultProblem)
            return defaultProblem;

        _expected.Clear();
        _actual.Clear();
        for (int k = 0; k < original.Count; k++)
        {
            var entry = original[k];
            if (entry.Kind != LocationListEntryKind.Bounded || entry.Range.IsEmpty || AddressMapping.IsDead(entry.Start))
                continue;
            _translated.Clear();
            mapping.AppendTranslation(entry.Range, _translated);
            foreach (var piece in _translated)
                if (!piece.IsEmpty)
                    _expected.Add(new Piece(piece.Start, piece.End, k));
        }
        for (int j = 0; j < rewritten.Count; j++)
        {
            var entry = rewritten[j];
            if (entry.Kind == LocationListEntryKind.Bounded && !entry.Range.IsEmpty && !AddressMapping.IsDead(entry.Start))
                _actual.Add(new Piece(entry.Start, entry.End, j));
        }
        if (_expected.Count > 1)
            _expected.Sort(ByStart);
        if (_actual.Count > 1)
            _actual.Sort(ByStart);

        _boundaries.Clear();
        foreach (var piece in _expected) { _boundaries.Add(piece.Start); _boundaries.Add(piece.End); }
        foreach (var piece in _actual) { _boundaries.Add(piece.Start); _boundaries.Add(piece.End); }
        _boundaries.Sort(Ascending);

        int e = 0, a = 0, lastOriginal = -1, lastRewritten = -1;
        for (int b = 0; b + 1 < _boundaries.Count; b++)
        {
            ulong start = _boundaries[b], end = _boundaries[b + 1];
            if (start == end)
                continue;
            int expected = Covering(_expected, ref e, start);
            int actual = Covering(_actual, ref a, start);
            if (expected < 0 && actual < 0)
                continue;
            if (actual < 0)
                return $"[0x{start:x}, 0x{end:x}) is not covered in the output; the original entry {Describe(originalUnit, original[expected])} covers it";
            if (expected < 0)
                return $"output entry {Describe(rewrittenUnit, rewritten[actual])} covers [0x{start:x}, 0x{end:x}), which the original list does not cover";
            if (expected == lastOriginal && actual == lastRewritten)
                continue;
            lastOriginal = expected;
            lastRewritten = actual;
            if (expressions.Compare(originalUnit, original[expected].Expression.Span, rewrittenUnit, rewritten[actual].Expression.Span) is { } problem)
                return $"at [0x{start:x}, 0x{end:x}) the output entry {Describe(rewrittenUnit, rewritten[actual])} differs from the original entry {Describe(originalUnit, original[expected])}: {problem}";
        }
        return null;
    }

    private string? CompareDefaults(DwarfUnit originalUnit, List<LocationListEntry> original, DwarfUnit rewrittenUnit, List<LocationListEntry> rewritten)
    {
        int o = 0, r = 0;
        while (true)
        {
            while (o < original.Count && original[o].Kind != LocationListEntryKind.Default) o++;
            while (r < rewritten.Count && rewritten[r].Kind != LocationListEntryKind.Default) r++;
            if (o == original.Count || r == rewritten.Count)
            {
                if (o == original.Count && r == rewritten.Count)
                    return null;
                return o == original.Count ? "the output has a default location the original does not have" : "the output lost the default location";
            }
            if (expressions.Compare(originalUnit, original[o].Expression.Span, rewrittenUnit, rewritten[r].Expression.Span) is { } problem)
                return $"default location: {problem}";
            o++;
            r++;
        }
    }

    /// <summary>The entry of the piece covering <paramref name="address"/> (pieces sorted by start), or -1.</summary>
    private static int Covering(List<Piece> pieces, ref int next, ulong address)
    {
        while (next < pieces.Count && pieces[next].End <= address)
            next++;
        // Overlapping pieces are rare; look a little further for one that covers the address.
        for (int i = next; i < pieces.Count && pieces[i].Start <= address; i++)
            if (pieces[i].End > address)
                return pieces[i].Entry;
        return -1;
    }

    private static string Describe(DwarfUnit unit, LocationListEntry entry) =>
        $"{entry.Range}: {ExpressionComparer.Dump(unit, entry.Expression.Span)}";

    /// <summary>
    /// Location views: one (begin, end) view pair per bounded entry, in list order. An output entry
    /// that begins (ends) where an original entry began (ended), translated, must carry that
    /// entry's begin (end) view; a cut the output added carries view 0.
    /// </summary>
    public string? CompareViews(List<LocationListEntry> original, List<(ulong Begin, ulong End)> originalViews,
        List<LocationListEntry> rewritten, List<(ulong Begin, ulong End)> rewrittenViews)
    {
        var beginViews = new Dictionary<ulong, ulong>();
        var endViews = new Dictionary<ulong, ulong>();
        int k = 0;
        foreach (var entry in original)
        {
            if (entry.Kind != LocationListEntryKind.Bounded)
                continue;
            if (k >= originalViews.Count)
                break;
            var views = originalViews[k++];
            if (AddressMapping.IsDead(entry.Start) || entry.Range.IsEmpty)
                continue;
            // An entry that began in dropped code (padding the layout left out) begins in the
            // output at its first kept instruction, a new cut; the dropped start's translation is
            // where other code begins.
            if (!mapping.IsDropped(entry.Start) && mapping.TryTranslate(entry.Start, out var start))
                beginViews.TryAdd(start, views.Begin);
            _translated.Clear();
            mapping.AppendTranslation(entry.Range, _translated);
            if (_translated.Count > 0)
                endViews.TryAdd(_translated[^1].End, views.End);
        }
        int j = 0;
        foreach (var entry in rewritten)
        {
            if (entry.Kind != LocationListEntryKind.Bounded)
                continue;
            if (j >= rewrittenViews.Count)
                return $"the output has {rewrittenViews.Count} view pairs for more bounded entries";
            var views = rewrittenViews[j++];
            if (AddressMapping.IsDead(entry.Start) || entry.Range.IsEmpty)
                continue;
            ulong begin = beginViews.GetValueOrDefault(entry.Start), end = endViews.GetValueOrDefault(entry.End);
            if (views.Begin != begin || views.End != end)
                return $"entry {entry.Range} has views ({views.Begin}, {views.End}) in the output, expected ({begin}, {end})";
        }
        return null;
    }
}
