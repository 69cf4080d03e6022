using Rewriter.Common;
using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// The verifier's view of <see cref="CodeAddressMap"/>: what an original code address, end or range
/// must have become, and the messages that say how an output value differs from that.
/// </summary>
internal sealed class AddressMapping(CodeAddressMap map)
{
    // PERF: with no moved code every translation is the address itself; the map's searches (run
    // for every line row) are skipped.
    private readonly bool _movesNoCode = map.MovesNoCode;

    /// <summary>Address 0 and the -1/-2 tombstones mark code the linker discarded; it has no translation.</summary>
    public static bool IsDead(ulong address) => address == 0 || address >= 0xffff_ffff_ffff_fffeUL;

    /// <summary>True when every address translates to itself (see <see cref="CodeAddressMap.MovesNoCode"/>).</summary>
    public bool MovesNoCode => _movesNoCode;

    public bool TryTranslate(ulong address, out ulong output)
    {
        if (_movesNoCode)
        {
            output = address;
            return true;
        }
        bool known = map.TryTranslate(new InputAddress(address), out var translated);
        output = translated.Value;
        return known;
    }

    /// <summary>True when the instruction at <paramref name="input"/> was dropped: nothing in the output describes it.</summary>
    public bool IsDropped(ulong input) => !_movesNoCode && map.IsDropped(new InputAddress(input));

    /// <summary>The input instruction whose output bytes start at <paramref name="output"/>.</summary>
    public bool TryTranslateBack(ulong output, out ulong input)
    {
        bool known = map.TryTranslateBack(new OutputAddress(output), out var translated);
        input = translated.Value;
        return known;
    }

    /// <summary>The output address just past the instruction ending at <paramref name="end"/> (a return address).</summary>
    public bool TryTranslateEnd(ulong end, out ulong output)
    {
        bool known = map.TryTranslateEnd(new InputAddress(end), out var translated);
        output = translated.Value;
        return known;
    }

    /// <summary>The live ranges (not of discarded code), normalized.</summary>
    public static List<AddressRange> Live(IEnumerable<AddressRange> ranges)
    {
        var live = new List<AddressRange>();
        foreach (var range in ranges)
            if (!IsDead(range.Start))
                live.Add(range);
        RangeSets.Normalize(live);
        return live;
    }

    /// <summary>Appends the output coverage of a live, non-empty original range (unnormalized).</summary>
    public void AppendTranslation(AddressRange original, List<AddressRange> into) => map.TranslateRange(original, into);

    /// <summary>The normalized output coverage of the live parts of <paramref name="original"/>.</summary>
    public List<AddressRange> TranslateRanges(IEnumerable<AddressRange> original)
    {
        var expected = new List<AddressRange>();
        foreach (var range in original)
            if (!IsDead(range.Start) && !range.IsEmpty)
                map.TranslateRange(range, expected);
        RangeSets.Normalize(expected);
        return expected;
    }

    /// <summary>Null when <paramref name="rewritten"/> covers exactly the translation of <paramref name="original"/>; else both values.</summary>
    public string? CompareRanges(List<AddressRange> original, List<AddressRange> rewritten)
    {
        var expected = TranslateRanges(original);
        var actual = Live(rewritten);
        if (RangeSets.Equal(expected, actual))
            return null;
        return $"ranges {Format(actual)} in the output, expected {Format(expected)} (original {Format(Live(original))})";
    }

    /// <summary>Null when <paramref name="rewritten"/> is the translation of the code address <paramref name="original"/>.</summary>
    /// <param name="adjust">what the rewriter makes of the translated address (an entry kept inside its scope), or null</param>
    public string? ComparePoint(ulong original, ulong rewritten, bool isEnd = false, Func<ulong, ulong>? adjust = null)
    {
        if (IsDead(original))
            return null;
        bool known = isEnd ? TryTranslateEnd(original, out var expected) : TryTranslate(original, out expected);
        if (!known)
            return $"0x{rewritten:x} in the output, but the original 0x{original:x} is not an instruction {(isEnd ? "end" : "start")} of moved code";
        if (adjust is not null)
            expected = adjust(expected);
        return expected == rewritten ? null : $"0x{rewritten:x} in the output, expected 0x{expected:x} (original 0x{original:x})";
    }

    public static bool Contains(List<AddressRange> normalized, ulong address)
    {
        int index = SortedSearch.UpperBound(normalized, address, static (in AddressRange range) => range.End);
        return index < normalized.Count && normalized[index].Start <= address;
    }

    public static string Format(List<AddressRange> ranges) =>
        ranges.Count == 0 ? "{}" : ranges.Count <= 4 ? string.Join(" ", ranges) : $"{string.Join(" ", ranges.Take(4))} ... ({ranges.Count} ranges)";
}
