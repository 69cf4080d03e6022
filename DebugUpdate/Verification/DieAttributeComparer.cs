using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Compares the meaning of two matched DIEs attribute by attribute, whatever forms and
/// abbreviations encode them: code ranges (low_pc/high_pc or ranges, translated), code points
/// (entry_pc, call_pc, call_return_pc, a label's low_pc), location expressions and lists,
/// references by the DIE they name, strings by their text, decl_file by its path, constants by
/// value. An attribute one side has and the other lacks is a difference. Attributes that only
/// locate other data (sibling, stmt_list, the *_base offsets) are not compared.
/// A unit compared with itself (<see cref="DebugVerifier"/> does that when both inputs' debug
/// sections are identical) decodes and reads each value once: every check still runs, and reading
/// a value twice from the same bytes could only give the same result.
/// </summary>
internal sealed class DieAttributeComparer
{
    private readonly AddressMapping _mapping;
    private readonly ExpressionComparer _expressions;
    private readonly LocationListComparer _locationLists;

    // PERF: attributes decode into two reused arrays of structs: nothing is allocated per DIE.
    private AttributeValue[] _before = new AttributeValue[32];
    private AttributeValue[] _afterBuffer = new AttributeValue[32];
    private AttributeValue[] _after = null!; // _afterBuffer, or _before itself when a unit is compared with itself
    private int _beforeCount, _afterCount;

    /// <summary>True when the rewritten unit is the original unit itself (the same object).</summary>
    private bool _self;

    // PERF: per abbreviation of each unit, whether it has an attribute that says where code is
    // (most DIEs have none: types, members, variables): the code checks are skipped for the rest.
    private bool[] _originalLocatesCode = [], _rewrittenLocatesCode = [];

    private DwarfUnit _original = null!, _rewritten = null!;
    private StringOffsetsTable _originalStrings, _rewrittenStrings;
    private UnitFileNames _originalFiles = null!, _rewrittenFiles = null!;
    private VerificationReport _report = null!;
    private int _o, _r;

    public DieAttributeComparer(AddressMapping mapping)
    {
        _mapping = mapping;
        _expressions = new ExpressionComparer(mapping);
        _locationLists = new LocationListComparer(mapping, _expressions);
    }

    public void BeginUnits(DwarfUnit original, DwarfUnit rewritten, VerificationReport report)
    {
        _original = original;
        _rewritten = rewritten;
        _self = ReferenceEquals(original, rewritten);
        _originalStrings = original.StringOffsets;
        _rewrittenStrings = rewritten.StringOffsets;
        _originalFiles = new UnitFileNames(original);
        _rewrittenFiles = _self ? _originalFiles : new UnitFileNames(rewritten);
        _report = report;
        _originalLocatesCode = LocatesCode(original.Abbreviations, _originalLocatesCode);
        _rewrittenLocatesCode = _self ? _originalLocatesCode : LocatesCode(rewritten.Abbreviations, _rewrittenLocatesCode);
    }

    private string Path() => DiePaths.Of(_original, _o);

    /// <summary>Compares DIE <paramref name="o"/> with DIE <paramref name="r"/>; returns the function ranges its children see.</summary>
    /// <param name="originalInfo">the original unit's info section bytes (PERF: fetched once per unit, not per DIE)</param>
    /// <param name="rewrittenInfo">the same for the rewritten unit</param>
    public (List<AddressRange>?, List<AddressRange>?) Compare(int o, int r, ReadOnlySpan<byte> originalInfo, ReadOnlySpan<byte> rewrittenInfo,
        List<AddressRange>? originalFunction, List<AddressRange>? rewrittenFunction)
    {
        _o = o;
        _r = r;
        bool self = _self && o == r;
        // PERF: each side's index entry is looked up once per DIE.
        ref readonly var originalEntry = ref _original.Dies[o];
        ref readonly var rewrittenEntry = ref _rewritten.Dies[r];
        _beforeCount = Collect(_original, originalInfo, in originalEntry, ref _before);
        if (self)
        {
            _after = _before;
            _afterCount = _beforeCount;
        }
        else
        {
            _afterCount = Collect(_rewritten, rewrittenInfo, in rewrittenEntry, ref _afterBuffer);
            _after = _afterBuffer;
        }
        var tag = originalEntry.Tag;
        if (TypeChains.IsModifier(tag))
        {
            TypeChains.Check(_original, o);
            if (!self)
                TypeChains.Check(_rewritten, r);
        }

        // Without an attribute that locates code on either side, the code checks find nothing to compare.
        bool locatesCode = _originalLocatesCode[originalEntry.AbbreviationIndex] || _rewrittenLocatesCode[rewrittenEntry.AbbreviationIndex];
        List<AddressRange>? originalRanges = null, rewrittenRanges = null;
        if (locatesCode)
        {
            originalRanges = Ranges(_original, _before, _beforeCount);
            rewrittenRanges = self ? originalRanges : Ranges(_rewritten, _after, _afterCount);
            CompareRanges(originalRanges, rewrittenRanges);

            ComparePoint(DwAt.EntryPc, isEnd: false, originalRanges, rewrittenRanges);
            ComparePoint(DwAt.CallPc, isEnd: false, null, null);
            // A return address is the end of the call instruction: translated as an end.
            ComparePoint(DwAt.CallReturnPc, isEnd: true, null, null);
            if (originalRanges is null && rewrittenRanges is null)
                ComparePoint(DwAt.LowPc, isEnd: tag == DwTag.GnuCallSite, null, null); // GNU call sites' low_pc is the return address
            else if (originalRanges is [{ IsEmpty: true } empty] && !AddressMapping.IsDead(empty.Start) && rewrittenRanges is [{ IsEmpty: true }])
                ComparePoint(DwAt.LowPc, isEnd: false, null, null); // an empty scope covers nothing, but still says where it is
        }

        List<LocationListEntry>? originalLocations = null, rewrittenLocations = null;
        for (int i = 0; i < _beforeCount; i++)
        {
            ref readonly var before = ref _before[i];
            if (IsComparedElsewhere(before.Name))
                continue;
            _report.AttributesCompared++;
            // PERF: the same abbreviation lists attributes in the same order: try the same position first.
            int j = i < _afterCount && _after[i].Name == before.Name ? i : Find(_after, _afterCount, before.Name);
            if (j < 0)
            {
                _report.Add(DifferenceKind.Attribute, Path(), $"{DwarfNames.Name(before.Name)} is absent in the output, {Describe(_original, before)} in the original");
                continue;
            }
            CompareValue(in before, in _after[j], self, ref originalLocations, ref rewrittenLocations);
        }
        for (int j = 0; !self && j < _afterCount; j++)
        {
            if (!IsComparedElsewhere(_after[j].Name) && !(j < _beforeCount && _before[j].Name == _after[j].Name) && Find(_before, _beforeCount, _after[j].Name) < 0)
                _report.Add(DifferenceKind.Attribute, Path(), $"{DwarfNames.Name(_after[j].Name)} is {Describe(_rewritten, _after[j])} in the output, absent in the original");
        }
        if (locatesCode)
            CompareLocationViews(originalLocations, rewrittenLocations, self);

        if (locatesCode && tag is DwTag.CallSite or DwTag.GnuCallSite)
            CheckCallSite(originalFunction, rewrittenFunction);
        if (tag == DwTag.Subprogram && originalRanges is not null && rewrittenRanges is not null)
        {
            var normalized = RangeSets.Normalized(originalRanges);
            return (normalized, self ? normalized : RangeSets.Normalized(rewrittenRanges));
        }
        return (originalFunction, rewrittenFunction);
    }

    /// <summary>The attributes that say where code is, compared before the others.</summary>
    private static bool LocatesCode(DwAt name) => name is DwAt.LowPc or DwAt.HighPc or DwAt.Ranges or DwAt.EntryPc
        or DwAt.CallPc or DwAt.CallReturnPc or DwAt.GnuLocviews;

    /// <summary>For each abbreviation of a table, whether it has an attribute that <see cref="LocatesCode(DwAt)"/>; reuses <paramref name="buffer"/>.</summary>
    private static bool[] LocatesCode(AbbreviationTable abbreviations, bool[] buffer)
    {
        var locatesCode = buffer.Length >= abbreviations.Count ? buffer : new bool[abbreviations.Count];
        for (int a = 0; a < abbreviations.Count; a++)
        {
            locatesCode[a] = false;
            foreach (var spec in abbreviations[a].Attributes)
                locatesCode[a] |= LocatesCode(spec.Name);
        }
        return locatesCode;
    }

    private static bool IsComparedElsewhere(DwAt name) => LocatesCode(name)
        // Encodings: where other data is, not what the DIE says.
        || name is DwAt.Sibling or DwAt.StmtList or DwAt.StrOffsetsBase or DwAt.AddrBase or DwAt.GnuAddrBase or DwAt.RnglistsBase
        or DwAt.LoclistsBase or DwAt.GnuRangesBase
        // A skeleton's dwo_name names the rewritten .dwo; which split unit it leads to is proved by
        // the dwo_id binding, and that unit is compared in full.
        or DwAt.DwoName or DwAt.GnuDwoName;

    private enum ValueClass { Number, Flag, Address, Reference, String, Block, Expression, LocationList, RangeList, SectionOffset, Unsupported }

    private ValueClass ClassOf(DwarfUnit unit, in AttributeValue value)
    {
        if (unit.IsLocationList(in value))
            return ValueClass.LocationList;
        if (value.Kind == AttributeValueKind.Expression
            || (value.Kind == AttributeValueKind.Block && DwarfUnit.IsExpressionAttribute(value.Name)))
            return ValueClass.Expression;
        return value.Kind switch
        {
            AttributeValueKind.Constant or AttributeValueKind.SignedConstant => ValueClass.Number,
            AttributeValueKind.Flag => ValueClass.Flag,
            AttributeValueKind.Address or AttributeValueKind.AddressIndex => ValueClass.Address,
            AttributeValueKind.UnitReference or AttributeValueKind.InfoReference or AttributeValueKind.SignatureReference => ValueClass.Reference,
            AttributeValueKind.StringOffset or AttributeValueKind.LineStringOffset or AttributeValueKind.StringIndex
                or AttributeValueKind.InlineString => ValueClass.String,
            AttributeValueKind.Block => ValueClass.Block,
            AttributeValueKind.RangeListIndex => ValueClass.RangeList,
            AttributeValueKind.SectionOffset when value.Name is DwAt.StartScope or DwAt.Ranges => ValueClass.RangeList,
            AttributeValueKind.SectionOffset => ValueClass.SectionOffset,
            _ => ValueClass.Unsupported,
        };
    }

    /// <param name="sameValue">
    /// true when <paramref name="after"/> is <paramref name="before"/> (a unit compared with itself):
    /// what only re-reads the same bytes is read once, which still rejects a malformed value, and
    /// what depends on the address map still runs, with one read serving both sides
    /// </param>
    private void CompareValue(in AttributeValue before, in AttributeValue after, bool sameValue,
        ref List<LocationListEntry>? originalLocations, ref List<LocationListEntry>? rewrittenLocations)
    {
        var beforeClass = ClassOf(_original, before);
        var afterClass = sameValue ? beforeClass : ClassOf(_rewritten, after);
        if (beforeClass != afterClass)
        {
            _report.Add(DifferenceKind.Attribute, Path(),
                $"{DwarfNames.Name(before.Name)} is {Describe(_rewritten, after)} ({DwarfNames.Name(after.Form)}) in the output, {Describe(_original, before)} ({DwarfNames.Name(before.Form)}) in the original");
            return;
        }
        string? problem = null;
        var kind = DifferenceKind.Attribute;
        switch (beforeClass)
        {
            case ValueClass.Number when before.Name is DwAt.DeclFile or DwAt.CallFile:
            {
                string? beforePath = _originalFiles.PathOf(before.Value), afterPath = sameValue ? beforePath : _rewrittenFiles.PathOf(after.Value);
                if (beforePath != afterPath)
                    problem = $"file {after.Value} \"{afterPath}\" in the output, file {before.Value} \"{beforePath}\" in the original";
                break;
            }
            case ValueClass.Number:
                if (!sameValue && !NumbersEqual(in before, in after))
                    problem = $"{Describe(_rewritten, after)} in the output, {Describe(_original, before)} in the original";
                break;
            case ValueClass.Flag:
                if ((before.Value != 0) != (after.Value != 0))
                    problem = $"{after.Value != 0} in the output, {before.Value != 0} in the original";
                break;
            case ValueClass.Address:
            {
                kind = DifferenceKind.Ranges;
                ulong beforeAddress = _original.ResolveAddress(in before);
                problem = _mapping.ComparePoint(beforeAddress, sameValue ? beforeAddress : _rewritten.ResolveAddress(in after));
                break;
            }
            case ValueClass.Reference:
            {
                var beforeTarget = _original.ResolveReference(in before);
                if (sameValue)
                    break; // the same reference of the same unit names the same DIE, once it resolves
                var afterTarget = _rewritten.ResolveReference(in after);
                if (!DieReferences.SameDie(beforeTarget, afterTarget))
                    problem = $"names {DieReferences.Describe(afterTarget)} in the output, {DieReferences.Describe(beforeTarget)} in the original";
                break;
            }
            case ValueClass.String:
            {
                var beforeBytes = StringBytes(_original, in _originalStrings, in before);
                if (!sameValue && !beforeBytes.SequenceEqual(StringBytes(_rewritten, in _rewrittenStrings, in after)))
                    problem = $"{Describe(_rewritten, after)} in the output, {Describe(_original, before)} in the original";
                break;
            }
            case ValueClass.Block:
                if (!sameValue && !_original.GetBlock(in before).SequenceEqual(_rewritten.GetBlock(in after)))
                    problem = $"{Describe(_rewritten, after)} in the output, {Describe(_original, before)} in the original";
                break;
            case ValueClass.Expression:
                _report.ExpressionsCompared++;
                kind = DifferenceKind.Expression;
                problem = _expressions.Compare(_original, _original.GetBlock(in before), _rewritten, _rewritten.GetBlock(in after));
                break;
            case ValueClass.LocationList:
            {
                _report.LocationListsCompared++;
                kind = DifferenceKind.LocationList;
                var beforeList = _original.ReadLocationList(in before);
                var afterList = sameValue ? beforeList : _rewritten.ReadLocationList(in after);
                problem = _locationLists.Compare(_original, beforeList, _rewritten, afterList);
                if (before.Name == DwAt.Location)
                    (originalLocations, rewrittenLocations) = (beforeList, afterList);
                break;
            }
            case ValueClass.RangeList:
            {
                _report.RangesCompared++;
                kind = DifferenceKind.Ranges;
                var beforeRanges = _original.ReadRangeList(in before);
                problem = _mapping.CompareRanges(beforeRanges, sameValue ? beforeRanges : _rewritten.ReadRangeList(in after));
                break;
            }
            case ValueClass.SectionOffset or ValueClass.Unsupported:
                break; // where other data lives (macros...): an encoding, not compared
        }
        if (problem is not null)
            _report.Add(kind, Path(), $"{DwarfNames.Name(before.Name)}: {problem}");
    }

    /// <summary>A string value's bytes; PERF: strx goes through the unit's offsets table, looked up once per unit.</summary>
    private static ReadOnlySpan<byte> StringBytes(DwarfUnit unit, in StringOffsetsTable offsets, in AttributeValue value) =>
        value.Kind == AttributeValueKind.StringIndex ? StringSection.ReadBytes(unit.Sections.Str, offsets.Read(value.Value)) : unit.GetStringBytes(in value);

    /// <summary>Constants by value: data1..8, udata, sdata and implicit_const that mean the same number are equal.</summary>
    private static bool NumbersEqual(in AttributeValue before, in AttributeValue after)
    {
        if (before.Value == after.Value)
            return true;
        // An unsigned fixed-size form read as signed may be the same number as an sdata/implicit_const.
        return SignExtended(in before) == after.Value || SignExtended(in after) == before.Value;
    }

    private static ulong SignExtended(in AttributeValue value)
    {
        int bits = value.Form switch { DwForm.Data1 => 8, DwForm.Data2 => 16, DwForm.Data4 => 32, _ => 64 };
        if (value.Kind != AttributeValueKind.Constant || bits == 64)
            return value.Value;
        int shift = 64 - bits;
        return (ulong)((long)(value.Value << shift) >> shift);
    }

    private void CompareRanges(List<AddressRange>? originalRanges, List<AddressRange>? rewrittenRanges)
    {
        if (originalRanges is null && rewrittenRanges is null)
            return;
        _report.RangesCompared++;
        if (originalRanges is null)
            _report.Add(DifferenceKind.Extra, Path(), $"code ranges {AddressMapping.Format(rewrittenRanges!)} in the output, none in the original");
        else if (rewrittenRanges is null)
        {
            // A scope whose code the layout deleted (its only instructions were dropped) has none.
            if (_mapping.CompareRanges(originalRanges, []) is not null)
                _report.Add(DifferenceKind.Ranges, Path(), $"no code ranges in the output, {AddressMapping.Format(originalRanges)} in the original");
        }
        else if (_mapping.CompareRanges(originalRanges, rewrittenRanges) is { } problem)
            _report.Add(DifferenceKind.Ranges, Path(), problem);

        if (rewrittenRanges is not null && FirstInverted(rewrittenRanges) is { } inverted
            && (originalRanges is null || FirstInverted(originalRanges) is null))
            _report.Add(DifferenceKind.Invalid, Path(), $"range 0x{inverted.Start:x}..0x{inverted.End:x} has low_pc > high_pc");
    }

    private void ComparePoint(DwAt name, bool isEnd, List<AddressRange>? originalScope, List<AddressRange>? rewrittenScope)
    {
        ulong? before = Point(_original, _before, _beforeCount, name, originalScope);
        ulong? after = Point(_rewritten, _after, _afterCount, name, rewrittenScope);
        if (before is null && after is null)
            return;
        _report.AttributesCompared++;
        if (before is null || after is null)
        {
            _report.Add(DifferenceKind.Attribute, Path(), $"{DwarfNames.Name(name)} is {Hex(after)} in the output, {Hex(before)} in the original");
            return;
        }
        static bool Inside(List<AddressRange> scope, ulong pc) => AddressMapping.Contains(RangeSets.Normalized(scope), pc);
        // An entry inside its scope stays inside it, also where the layout dropped the entry instruction.
        bool keptInScope = name == DwAt.EntryPc && rewrittenScope is { Count: > 0 } && originalScope is not null && Inside(originalScope, before.Value);
        if (_mapping.ComparePoint(before.Value, after.Value, isEnd, keptInScope ? translated => ScopeEntry.InsideScope(translated, rewrittenScope!) : null) is { } problem)
            _report.Add(DifferenceKind.Ranges, Path(), $"{DwarfNames.Name(name)} is {problem}");
        if (keptInScope && !Inside(rewrittenScope!, after.Value))
            _report.Add(DifferenceKind.Invalid, Path(), $"DW_AT_entry_pc 0x{after:x} is outside the DIE's ranges {AddressMapping.Format(rewrittenScope!)}");
    }

    private void CheckCallSite(List<AddressRange>? originalFunction, List<AddressRange>? rewrittenFunction)
    {
        if (originalFunction is null || rewrittenFunction is null)
            return;
        foreach (var name in (ReadOnlySpan<DwAt>)[DwAt.CallReturnPc, DwAt.CallPc, DwAt.LowPc])
        {
            ulong? before = Point(_original, _before, _beforeCount, name, null);
            ulong? after = Point(_rewritten, _after, _afterCount, name, null);
            if (before is null || after is null)
                continue;
            // A call that ends its function returns to the function's end address: the end is inclusive here.
            if (!InsideInclusive(rewrittenFunction, after.Value) && InsideInclusive(originalFunction, before.Value))
                _report.Add(DifferenceKind.Invalid, Path(),
                    $"{DwarfNames.Name(name)} 0x{after:x} is outside its function {AddressMapping.Format(rewrittenFunction)}");
        }
    }

    private void CompareLocationViews(List<LocationListEntry>? originalLocations, List<LocationListEntry>? rewrittenLocations, bool self)
    {
        int i = Find(_before, _beforeCount, DwAt.GnuLocviews), j = Find(_after, _afterCount, DwAt.GnuLocviews);
        if (i < 0 && j < 0)
            return;
        _report.AttributesCompared++;
        if (i < 0 || j < 0)
        {
            _report.Add(DifferenceKind.LocationList, Path(), $"DW_AT_GNU_locviews is {(j < 0 ? "absent" : "present")} in the output, {(i < 0 ? "absent" : "present")} in the original");
            return;
        }
        if (originalLocations is null || rewrittenLocations is null)
            return; // views of a location that is no list: already reported as a location difference
        var originalViews = LocationViews.Read(_original, in _before[i], originalLocations);
        var rewrittenViews = self ? originalViews : LocationViews.Read(_rewritten, in _after[j], rewrittenLocations);
        if (_locationLists.CompareViews(originalLocations, originalViews, rewrittenLocations, rewrittenViews) is { } problem)
            _report.Add(DifferenceKind.LocationList, Path(), $"DW_AT_GNU_locviews: {problem}");
    }

    private static bool InsideInclusive(List<AddressRange> normalized, ulong address)
    {
        foreach (var range in normalized)
            if (address >= range.Start && address <= range.End)
                return true;
        return false;
    }

    /// <summary>The DIE's code ranges from its collected attributes: ranges, or low_pc with high_pc (address or length).</summary>
    private static List<AddressRange>? Ranges(DwarfUnit unit, AttributeValue[] attributes, int count)
    {
        int ranges = Find(attributes, count, DwAt.Ranges);
        if (ranges >= 0)
            return unit.ReadRangeList(in attributes[ranges]);
        int low = Find(attributes, count, DwAt.LowPc), high = Find(attributes, count, DwAt.HighPc);
        if (low < 0 || high < 0)
            return null;
        ulong start = unit.ResolveAddress(in attributes[low]);
        ref readonly var h = ref attributes[high];
        ulong end = h.Kind is AttributeValueKind.Address or AttributeValueKind.AddressIndex ? unit.ResolveAddress(in h) : start + h.Value;
        return [new AddressRange(start, end)];
    }

    private static ulong? Point(DwarfUnit unit, AttributeValue[] attributes, int count, DwAt name, List<AddressRange>? scope)
    {
        int index = Find(attributes, count, name);
        if (index < 0)
            return null;
        ref readonly var value = ref attributes[index];
        if (value.Kind is AttributeValueKind.Address or AttributeValueKind.AddressIndex)
            return unit.ResolveAddress(in value);
        // DWARF 5: a constant entry_pc is an offset from the entity's start.
        if (name == DwAt.EntryPc && value.Kind is AttributeValueKind.Constant or AttributeValueKind.SignedConstant)
        {
            int low = Find(attributes, count, DwAt.LowPc);
            ulong start = low >= 0 ? unit.ResolveAddress(in attributes[low]) : scope is { Count: > 0 } ? scope[0].Start : 0;
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

    private static int Collect(DwarfUnit unit, ReadOnlySpan<byte> info, in DieEntry entry, ref AttributeValue[] into)
    {
        var cursor = new DwarfCursor(info, unit.Info.Name, unit.Info.BaseOffset, unit.Info.File);
        cursor.Seek(unit.Header.Offset + entry.UnitOffset);
        cursor.ReadUleb();
        // PERF: what AttributeIterator does, decoding straight into the array (no iterator copies).
        var specs = unit.Abbreviations[entry.AbbreviationIndex].Attributes;
        if (specs.Length > into.Length)
            Array.Resize(ref into, Math.Max(specs.Length, into.Length * 2));
        var encoding = unit.Encoding;
        for (int i = 0; i < specs.Length; i++)
            into[i] = AttributeDecoder.Read(ref cursor, in specs[i], encoding);
        return specs.Length;
    }

    private static int Find(AttributeValue[] attributes, int count, DwAt name)
    {
        for (int i = 0; i < count; i++)
            if (attributes[i].Name == name)
                return i;
        return -1;
    }

    /// <summary>A value as a message shows it.</summary>
    private string Describe(DwarfUnit unit, in AttributeValue value)
    {
        try
        {
            return ClassOf(unit, value) switch
            {
                ValueClass.Number when value.Kind == AttributeValueKind.SignedConstant => ((long)value.Value).ToString(),
                ValueClass.Number => value.Value.ToString(),
                ValueClass.Flag => (value.Value != 0).ToString().ToLowerInvariant(),
                ValueClass.Address => $"0x{unit.ResolveAddress(in value):x}",
                ValueClass.Reference => DieReferences.Describe(unit.ResolveReference(in value)),
                ValueClass.String => $"\"{unit.GetString(in value)}\"",
                ValueClass.Block => Convert.ToHexString(unit.GetBlock(in value)),
                ValueClass.Expression => ExpressionComparer.Dump(unit, unit.GetBlock(in value)),
                ValueClass.LocationList => $"a location list ({DwarfNames.Name(value.Form)} 0x{value.Value:x})",
                ValueClass.RangeList => $"a range list ({DwarfNames.Name(value.Form)} 0x{value.Value:x})",
                _ => $"{DwarfNames.Name(value.Form)} 0x{value.Value:x}",
            };
        }
        catch (DwarfFormatException e)
        {
            return $"<unreadable: {e.What}>";
        }
    }

    private static string Hex(ulong? value) => value is null ? "absent" : $"0x{value:x}";
}
