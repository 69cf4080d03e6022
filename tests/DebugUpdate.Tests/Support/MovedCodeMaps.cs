using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>Address maps for driving the debug update on compiled programs without a rewrite.</summary>
public static class MovedCodeMaps
{
    /// <summary>
    /// A map that moves every function, lays the first half of its instructions out in reverse
    /// order and splits the second half off to a cold fragment, so ranges split, location lists
    /// are rewritten and line tables reordered.
    /// </summary>
    public static CodeAddressMap SplitAndReversedFunctions(DwarfFile file) => SplitAndReversedFunctions(file, everyOther: false);

    /// <summary>
    /// <see cref="SplitAndReversedFunctions(DwarfFile)"/> for every other function only (the
    /// first, the third, …): the others stay where they were, as in a profile-guided rewrite that
    /// leaves cold functions in place.
    /// </summary>
    public static CodeAddressMap EveryOtherFunctionSplitAndReversed(DwarfFile file) => SplitAndReversedFunctions(file, everyOther: true);

    private static CodeAddressMap SplitAndReversedFunctions(DwarfFile file, bool everyOther)
    {
        const ulong HotDisplacement = 0x1000000, ColdStart = 0x4000000;
        var functions = Functions(file);
        if (everyOther)
            functions = functions.Where((_, i) => i % 2 == 0).ToList();
        var rows = file.Units.SelectMany(unit => unit.ReadLineTable()?.Rows.Select(r => r.Address) ?? []).ToHashSet();
        var inputs = new List<ulong>();
        var outputs = new List<ulong>();
        var fragments = new List<CodeAddressMap.Fragment>();
        ulong cold = ColdStart;
        foreach (var function in functions)
        {
            var starts = rows.Where(function.Contains).Append(function.Start).Distinct().Order().ToList();
            ulong Size(int i) => (i + 1 < starts.Count ? starts[i + 1] : function.End) - starts[i];
            int hotCount = (starts.Count + 1) / 2;
            ulong hotStart = function.Start + HotDisplacement, next = hotStart;
            for (int i = hotCount - 1; i >= 0; i--)
            {
                inputs.Add(starts[i]);
                outputs.Add(next);
                next += Size(i);
            }
            fragments.Add(new CodeAddressMap.Fragment(function.Start, function.End, hotStart, next - hotStart));
            if (hotCount == starts.Count)
                continue;
            ulong coldStart = cold;
            for (int i = hotCount; i < starts.Count; i++)
            {
                inputs.Add(starts[i]);
                outputs.Add(cold);
                cold += Size(i);
            }
            fragments.Add(new CodeAddressMap.Fragment(function.Start, function.End, coldStart, cold - coldStart, IsCold: true));
        }
        return new CodeAddressMap([.. inputs], [.. outputs], null, fragments);
    }

    /// <summary>
    /// A map that moves every function as it is, except that the instructions inside
    /// <paramref name="deleted"/> are dropped (each shares its output address with the instruction
    /// after it), so scopes made only of them lose their code.
    /// </summary>
    public static CodeAddressMap DeletingCode(DwarfFile file, List<AddressRange> deleted)
    {
        const ulong Displacement = 0x1000000;
        var functions = Functions(file);
        var rows = file.Units.SelectMany(unit => unit.ReadLineTable()?.Rows.Select(r => r.Address) ?? [])
            .Concat(deleted.SelectMany(r => new[] { r.Start, r.End })).ToHashSet();
        var inputs = new List<ulong>();
        var outputs = new List<ulong>();
        var fragments = new List<CodeAddressMap.Fragment>();
        foreach (var function in functions)
        {
            var starts = rows.Where(function.Contains).Append(function.Start).Distinct().Order().ToList();
            for (int i = 0; i < starts.Count; i++)
            {
                int kept = i;
                while (kept < starts.Count && deleted.Any(r => r.Contains(starts[kept])))
                    kept++;
                inputs.Add(starts[i]);
                outputs.Add((kept < starts.Count ? starts[kept] : function.End) + Displacement);
            }
            fragments.Add(new CodeAddressMap.Fragment(function.Start, function.End, function.Start + Displacement, function.Length));
        }
        return new CodeAddressMap([.. inputs], [.. outputs], null, fragments);
    }

    private static List<AddressRange> Functions(DwarfFile file)
    {
        var functions = new List<AddressRange>();
        foreach (var range in file.Units.SelectMany(unit => Enumerable.Range(0, unit.Dies.Count)
            .Where(d => unit.TagOf(d) == DwTag.Subprogram).SelectMany(d => unit.GetRanges(d) ?? [])).OrderBy(r => r.Start))
            if (range.Length > 0 && (functions.Count == 0 || range.Start >= functions[^1].End))
                functions.Add(range);
        return functions;
    }
}
