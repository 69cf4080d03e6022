using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Translates original code addresses and range sets, and checks output ranges against them. Exact
/// when the translator knows ranges; otherwise by membership of the known instruction addresses
/// (sample points: original line rows and range starts).
/// </summary>
internal sealed class AddressMapping
{
    private readonly IAddressTranslator _translator;
    private readonly IRangeTranslator? _rangeTranslator;
    private ulong[] _samples = [];
    private (ulong Output, ulong Input)[] _translatedSamples = [];

    public AddressMapping(IAddressTranslator translator)
    {
        _translator = translator;
        _rangeTranslator = translator as IRangeTranslator;
    }

    /// <summary>Address 0 and the -1/-2 tombstones mark code the linker discarded; it has no translation.</summary>
    public static bool IsDead(ulong address) => address == 0 || address >= 0xffff_ffff_ffff_fffeUL;

    public bool TryTranslate(ulong address, out ulong output)
    {
        bool known = _translator.TryTranslate(new InputAddress(address), out var translated);
        output = translated.Value;
        return known;
    }

    public void SetSamplePoints(IEnumerable<ulong> addresses)
    {
        _samples = addresses.Where(a => !IsDead(a)).Distinct().Order().ToArray();
        var translated = new List<(ulong, ulong)>(_samples.Length);
        foreach (var address in _samples)
            if (TryTranslate(address, out var output))
                translated.Add((output, address));
        translated.Sort();
        _translatedSamples = translated.ToArray();
    }

    public static List<AddressRange> Live(IEnumerable<AddressRange> ranges) => ranges.Where(r => !IsDead(r.Start)).ToList();

    /// <summary>Null when <paramref name="rewritten"/> covers exactly the translation of <paramref name="original"/>; else why not.</summary>
    public string? CompareRanges(List<AddressRange> original, List<AddressRange> rewritten)
    {
        var liveOriginal = AddressRange.Normalize(Live(original));
        var liveRewritten = AddressRange.Normalize(Live(rewritten));
        if (_rangeTranslator is not null)
        {
            var expected = new List<AddressRange>();
            foreach (var range in liveOriginal)
                if (!_rangeTranslator.TryTranslateRange(range, expected))
                    return $"original range {range} has no translation";
            expected = AddressRange.Normalize(expected);
            if (!expected.SequenceEqual(liveRewritten))
                return $"ranges {Format(liveRewritten)}, expected {Format(expected)} (original {Format(liveOriginal)})";
            return null;
        }

        foreach (var range in liveOriginal)
        {
            if (!TryTranslate(range.Start, out var start))
                return $"original range start 0x{range.Start:x} has no translation";
            if (!Contains(liveRewritten, start))
                return $"original range {range} starts at 0x{start:x} in the output, outside {Format(liveRewritten)}";
            int first = LowerBound(_samples, range.Start);
            for (int i = first; i < _samples.Length && _samples[i] < range.End; i++)
            {
                if (TryTranslate(_samples[i], out var output) && !Contains(liveRewritten, output))
                    return $"code at 0x{_samples[i]:x} (now 0x{output:x}) is inside the original ranges but outside {Format(liveRewritten)}";
            }
        }
        foreach (var range in liveRewritten)
        {
            int first = LowerBound(_translatedSamples, range.Start);
            for (int i = first; i < _translatedSamples.Length && _translatedSamples[i].Output < range.End; i++)
            {
                var (output, input) = _translatedSamples[i];
                if (!Contains(liveOriginal, input))
                    return $"output range {range} covers 0x{output:x}, which comes from 0x{input:x} outside the original ranges {Format(liveOriginal)}";
            }
        }
        return null;
    }

    /// <summary>Null when <paramref name="rewritten"/> is the translation of <paramref name="original"/>.</summary>
    public string? ComparePoint(ulong original, ulong rewritten)
    {
        if (IsDead(original))
            return null;
        if (!TryTranslate(original, out var expected))
            return $"0x{original:x} has no translation";
        return expected == rewritten ? null : $"0x{rewritten:x}, expected 0x{expected:x} (original 0x{original:x})";
    }

    public static bool Contains(List<AddressRange> normalized, ulong address)
    {
        int lo = 0, hi = normalized.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (address < normalized[mid].Start)
                hi = mid - 1;
            else if (address >= normalized[mid].End)
                lo = mid + 1;
            else
                return true;
        }
        return false;
    }

    public static string Format(List<AddressRange> ranges) =>
        ranges.Count == 0 ? "{}" : ranges.Count <= 4 ? string.Join(" ", ranges) : $"{string.Join(" ", ranges.Take(4))} ... ({ranges.Count} ranges)";

    private static int LowerBound(ulong[] values, ulong key)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (values[mid] < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }

    private static int LowerBound((ulong Output, ulong Input)[] values, ulong key)
    {
        int lo = 0, hi = values.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (values[mid].Output < key)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo;
    }
}
