using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Walks an original unit and its rewritten counterpart in step: same tags, names and types in the
/// same structure; code ranges, code addresses and location lists equal to the translated
/// originals; and the output obeys the rules llvm-dwarfdump --verify checks.
/// </summary>
internal sealed class DieTreeComparer(AddressMapping mapping, VerificationReport report)
{
    private static readonly DwAt[] PointAttributes = [DwAt.EntryPc, DwAt.CallReturnPc, DwAt.CallPc];
    private static readonly DwAt[] ReferenceAttributes = [DwAt.AbstractOrigin, DwAt.Specification, DwAt.CallOrigin, DwAt.Import];

    private readonly List<AttributeValue> _originalAttributes = [];
    private readonly List<AttributeValue> _rewrittenAttributes = [];

    private readonly record struct Pair(int Original, int Rewritten, List<AddressRange>? OriginalFunction, List<AddressRange>? RewrittenFunction);

    public void CompareUnits(DwarfUnit original, DwarfUnit rewritten)
    {
        report.UnitsCompared++;
        var originalDies = original.Dies;
        var rewrittenDies = rewritten.Dies;
        var stack = new Stack<Pair>();
        stack.Push(new Pair(0, 0, null, null));
        while (stack.Count > 0)
        {
            var pair = stack.Pop();
            report.DiesCompared++;
            var tag = original.TagOf(pair.Original);
            if (tag != rewritten.TagOf(pair.Rewritten))
            {
                report.Add(DifferenceKind.Structure, DiePaths.Of(original, pair.Original),
                    $"DIE is DW_TAG_{DwarfNames.ShortName(rewritten.TagOf(pair.Rewritten))} in the output");
                continue;
            }
            var (originalFunction, rewrittenFunction) = CompareDie(original, rewritten, pair);

            var originalChildren = new List<int>();
            foreach (int child in originalDies.Children(pair.Original))
                originalChildren.Add(child);
            var rewrittenChildren = new List<int>();
            foreach (int child in rewrittenDies.Children(pair.Rewritten))
                rewrittenChildren.Add(child);
            if (originalChildren.Count != rewrittenChildren.Count)
                report.Add(DifferenceKind.Structure, DiePaths.Of(original, pair.Original),
                    $"{rewrittenChildren.Count} children in the output, {originalChildren.Count} in the original");
            // Push in reverse so children are visited in order (reports read top to bottom).
            for (int i = Math.Min(originalChildren.Count, rewrittenChildren.Count) - 1; i >= 0; i--)
                stack.Push(new Pair(originalChildren[i], rewrittenChildren[i], originalFunction, rewrittenFunction));
        }
    }

    private (List<AddressRange>?, List<AddressRange>?) CompareDie(DwarfUnit original, DwarfUnit rewritten, Pair pair)
    {
        int o = pair.Original, r = pair.Rewritten;
        Collect(original, o, _originalAttributes);
        Collect(rewritten, r, _rewrittenAttributes);
        string Path() => DiePaths.Of(original, o);

        // Names.
        foreach (var name in (ReadOnlySpan<DwAt>)[DwAt.Name, DwAt.LinkageName])
        {
            string? before = StringOf(original, _originalAttributes, name);
            string? after = StringOf(rewritten, _rewrittenAttributes, name);
            if (before != after)
                report.Add(DifferenceKind.Attribute, Path(), $"{DwarfNames.Name(name)} is {Quote(after)} in the output, {Quote(before)} in the original");
        }

        // Types and other references, compared by what they point at.
        {
            string? before = Find(_originalAttributes, DwAt.Type) is { } t1 ? DescribeType(original, t1) : null;
            string? after = Find(_rewrittenAttributes, DwAt.Type) is { } t2 ? DescribeType(rewritten, t2) : null;
            if (before != after)
                report.Add(DifferenceKind.Attribute, Path(), $"DW_AT_type is {Quote(after)} in the output, {Quote(before)} in the original");
        }
        foreach (var name in ReferenceAttributes)
        {
            string? before = Find(_originalAttributes, name) is { } a1 ? DescribeReference(original, a1) : null;
            string? after = Find(_rewrittenAttributes, name) is { } a2 ? DescribeReference(rewritten, a2) : null;
            if (before != after)
                report.Add(DifferenceKind.Attribute, Path(), $"{DwarfNames.Name(name)} is {Quote(after)} in the output, {Quote(before)} in the original");
        }

        // Code ranges.
        var originalRanges = original.GetRanges(o);
        var rewrittenRanges = rewritten.GetRanges(r);
        if (originalRanges is not null || rewrittenRanges is not null)
        {
            report.RangesCompared++;
            if (originalRanges is null)
                report.Add(DifferenceKind.Extra, Path(), $"output DIE has code ranges {AddressMapping.Format(rewrittenRanges!)} the original did not have");
            else if (rewrittenRanges is null)
                report.Add(DifferenceKind.Ranges, Path(), $"output DIE lost its code ranges (original {AddressMapping.Format(originalRanges)})");
            else if (mapping.CompareRanges(originalRanges, rewrittenRanges) is { } problem)
                report.Add(DifferenceKind.Ranges, Path(), problem);

            if (rewrittenRanges is not null && FirstInverted(rewrittenRanges) is { } inverted
                && (originalRanges is null || FirstInverted(originalRanges) is null))
                report.Add(DifferenceKind.Invalid, Path(), $"range {inverted.Start:x}..{inverted.End:x} has low_pc > high_pc");
        }

        // Single code addresses: entry_pc, call_return_pc, call_pc, and low_pc of DIEs without a high_pc (labels).
        foreach (var name in PointAttributes)
            ComparePoint(original, rewritten, name, originalRanges, rewrittenRanges, Path);
        if (originalRanges is null && rewrittenRanges is null)
            ComparePoint(original, rewritten, DwAt.LowPc, null, null, Path);

        // Location lists.
        foreach (var attribute in _originalAttributes)
        {
            if (!original.IsLocationList(in attribute))
                continue;
            report.LocationListsCompared++;
            var counterpart = Find(_rewrittenAttributes, attribute.Name);
            if (counterpart is not { } after || !rewritten.IsLocationList(after))
            {
                report.Add(DifferenceKind.LocationList, Path(), $"{DwarfNames.Name(attribute.Name)} is no longer a location list");
                continue;
            }
            if (CompareLocationLists(original.ReadLocationList(in attribute), rewritten.ReadLocationList(after)) is { } problem)
                report.Add(DifferenceKind.LocationList, Path(), $"{DwarfNames.Name(attribute.Name)}: {problem}");
        }

        // The enclosing function's ranges, for call sites below.
        var tag = original.TagOf(o);
        var originalFunction = pair.OriginalFunction;
        var rewrittenFunction = pair.RewrittenFunction;
        if (tag == DwTag.Subprogram && originalRanges is not null && rewrittenRanges is not null)
        {
            originalFunction = AddressRange.Normalize(originalRanges);
            rewrittenFunction = AddressRange.Normalize(rewrittenRanges);
        }
        if (tag is DwTag.CallSite or DwTag.GnuCallSite)
            CheckCallSite(original, rewritten, pair.OriginalFunction, pair.RewrittenFunction, Path);
        return (originalFunction, rewrittenFunction);
    }

    private void ComparePoint(DwarfUnit original, DwarfUnit rewritten, DwAt name, List<AddressRange>? originalScope,
        List<AddressRange>? rewrittenScope, Func<string> path)
    {
        ulong? before = Point(original, _originalAttributes, name, originalScope);
        ulong? after = Point(rewritten, _rewrittenAttributes, name, rewrittenScope);
        if (before is null && after is null)
            return;
        if (before is null || after is null)
        {
            report.Add(DifferenceKind.Attribute, path(), $"{DwarfNames.Name(name)} is {Hex(after)} in the output, {Hex(before)} in the original");
            return;
        }
        if (mapping.ComparePoint(before.Value, after.Value) is { } problem)
            report.Add(DifferenceKind.Ranges, path(), $"{DwarfNames.Name(name)} is {problem}");
        if (name == DwAt.EntryPc && rewrittenScope is not null && originalScope is not null)
        {
            bool inside(List<AddressRange> scope, ulong pc) => AddressMapping.Contains(AddressRange.Normalize(scope), pc);
            if (!inside(rewrittenScope, after.Value) && inside(originalScope, before.Value))
                report.Add(DifferenceKind.Invalid, path(), $"DW_AT_entry_pc 0x{after:x} is outside the DIE's ranges {AddressMapping.Format(rewrittenScope)}");
        }
    }

    private void CheckCallSite(DwarfUnit original, DwarfUnit rewritten, List<AddressRange>? originalFunction,
        List<AddressRange>? rewrittenFunction, Func<string> path)
    {
        if (originalFunction is null || rewrittenFunction is null)
            return;
        foreach (var name in (ReadOnlySpan<DwAt>)[DwAt.CallReturnPc, DwAt.CallPc, DwAt.LowPc])
        {
            ulong? before = Point(original, _originalAttributes, name, null);
            ulong? after = Point(rewritten, _rewrittenAttributes, name, null);
            if (before is null || after is null)
                continue;
            // A call that ends its function returns to the function's end address: the end is inclusive here.
            if (!InsideInclusive(rewrittenFunction, after.Value) && InsideInclusive(originalFunction, before.Value))
                report.Add(DifferenceKind.Invalid, path(),
                    $"{DwarfNames.Name(name)} 0x{after:x} is outside its function {AddressMapping.Format(rewrittenFunction)}");
        }
    }

    private static bool InsideInclusive(List<AddressRange> normalized, ulong address) =>
        normalized.Any(r => address >= r.Start && address <= r.End);

    private string? CompareLocationLists(List<LocationListEntry> original, List<LocationListEntry> rewritten)
    {
        // Group ranges by expression: entries may be split or merged, but each expression must apply
        // exactly where its original applied, translated.
        var before = Group(original);
        var after = Group(rewritten);
        foreach (var (expression, ranges) in before)
        {
            if (!after.TryGetValue(expression, out var outputRanges))
            {
                if (AddressMapping.Live(ranges).Count == 0)
                    continue;
                return $"expression {expression} is missing from the output";
            }
            if (mapping.CompareRanges(ranges, outputRanges) is { } problem)
                return $"expression {expression}: {problem}";
        }
        foreach (var (expression, ranges) in after)
        {
            if (!before.ContainsKey(expression) && AddressMapping.Live(ranges).Count > 0)
                return $"expression {expression} is new in the output at {AddressMapping.Format(ranges)}";
        }
        return null;
    }

    private static Dictionary<string, List<AddressRange>> Group(List<LocationListEntry> entries)
    {
        var groups = new Dictionary<string, List<AddressRange>>();
        foreach (var entry in entries)
        {
            if (entry.Kind == LocationListEntryKind.ViewPair)
                continue;
            string key = entry.Kind == LocationListEntryKind.Default ? "default:" + Convert.ToHexString(entry.Expression.Span)
                : Convert.ToHexString(entry.Expression.Span);
            if (!groups.TryGetValue(key, out var ranges))
                groups[key] = ranges = [];
            if (entry.Kind == LocationListEntryKind.Bounded)
                ranges.Add(entry.Range);
        }
        return groups;
    }

    private static ulong? Point(DwarfUnit unit, List<AttributeValue> attributes, DwAt name, List<AddressRange>? scope)
    {
        if (Find(attributes, name) is not { } value)
            return null;
        if (value.Kind is AttributeValueKind.Address or AttributeValueKind.AddressIndex)
            return unit.ResolveAddress(in value);
        // DWARF 5: a constant entry_pc is an offset from the entity's start.
        if (name == DwAt.EntryPc && value.Kind == AttributeValueKind.Constant)
        {
            ulong start = Find(attributes, DwAt.LowPc) is { } low ? unit.ResolveAddress(in low)
                : scope is { Count: > 0 } ? scope[0].Start : 0;
            return start + value.Value;
        }
        return null;
    }


    private static AddressRange? FirstInverted(List<AddressRange> ranges)
    {
        foreach (var range in ranges)
            if (range.End < range.Start && !AddressMapping.IsDead(range.Start))
                return range;
        return null;
    }

    private static void Collect(DwarfUnit unit, int die, List<AttributeValue> into)
    {
        into.Clear();
        foreach (var attribute in unit.Attributes(die))
            into.Add(attribute);
    }

    private static AttributeValue? Find(List<AttributeValue> attributes, DwAt name)
    {
        foreach (var attribute in attributes)
            if (attribute.Name == name)
                return attribute;
        return null;
    }

    private static string? StringOf(DwarfUnit unit, List<AttributeValue> attributes, DwAt name) =>
        Find(attributes, name) is { } value ? unit.GetString(in value) : null;

    private static string DescribeType(DwarfUnit unit, AttributeValue value)
    {
        var (targetUnit, target) = unit.ResolveReference(in value);
        return TypeDescriber.DescribeTypeChain(targetUnit, target);
    }

    private static string DescribeReference(DwarfUnit unit, AttributeValue value)
    {
        var (targetUnit, target) = unit.ResolveReference(in value);
        return TypeDescriber.DescribeOne(targetUnit, target);
    }

    private static string Quote(string? text) => text is null ? "absent" : $"\"{text}\"";
    private static string Hex(ulong? value) => value is null ? "absent" : $"0x{value:x}";
}
