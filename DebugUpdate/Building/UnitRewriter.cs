using System.Buffers.Binary;
using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// Rebuilds one unit for the new layout. Every DIE is written again in input order under an
/// abbreviation of the unit's new table; attribute values are copied byte for byte except those
/// that name code (translated), lists (rewritten), other sections (fixed up at merge) or other DIEs
/// (placeholders patched once every DIE's new offset is known). A scope whose code stayed
/// contiguous keeps low_pc/high_pc; one whose code is now in several places gets DW_AT_ranges; one
/// whose code is gone loses its code attributes (never an invented empty range).
/// </summary>
public sealed class UnitRewriter
{
    private readonly UnitRewriteContext _context;
    private readonly DwarfUnit _unit;
    private readonly DebugUpdateOptions _options;
    private readonly int _lineOwner;
    private readonly ByteWriter? _line;
    private readonly ByteWriter _info;
    private readonly OutputAbbreviations _abbreviations;
    private readonly DieCopyPlans _copyPlans;
    private readonly ListWriter _ranges, _locations;
    private readonly List<SectionFixup> _fixups = [];
    private readonly List<int> _codeLost = [];
    private readonly List<DieReference> _references;
    private readonly List<(bool Locations, int Position, int Size, int BodyOffset)> _listOffsetFields;
    private readonly List<OutputAttribute> _shape = [];
    private readonly ByteWriter _body = new(256);
    private readonly ByteWriter _expression = new(64);
    private readonly List<DieReference> _expressionReferences = [];
    private readonly List<DieReference> _bodyReferences = [];
    private readonly List<(int Position, int Size, OutputSection Target, ulong Addend)> _bodyFixups = [];
    private readonly List<(bool Locations, int Position, int Size, int BodyOffset)> _bodyListFields = [];
    // PERF: scratch lists of the location-list writer, reused for every list of the unit.
    private readonly List<LocationListEntry> _inputLocationEntries = [];
    private readonly List<(LocationListEntryKind, AddressRange, ReadOnlyMemory<byte>, long)> _locationEntries = [];
    private readonly List<(ulong, ulong)> _locationViews = [];
    private readonly List<AddressRange> _pieces = [];
    private readonly List<AddressRange> _codeInput = [], _codeOutput = []; // one DIE's code, input and output
    // The location lists of a DIE copied because its code stayed: where each value is, its name, its bytes, its bounded entries.
    private readonly List<(int ValueAt, DwAt Name, ListBytes Bytes, int Bounded, int Index)> _stayedLists = [];
    private readonly List<(int Spec, int ValueAt)> _stayedReferences = [];
    private readonly List<(int ValueAt, ListBytes Bytes, int Index)> _stayedRanges = [];
    private readonly Func<ulong, bool> _keepsAddressIndex; // made once: a method group would allocate per list
    private AttributeValue[] _values = new AttributeValue[16];
    private int[] _valueEnds = new int[16];
    private ulong _baseAddress;
    private List<AddressRange> _unitRanges = [];
    // A split unit rebuilt with its skeleton, or a skeleton whose split unit was rebuilt first.
    private readonly SkeletonShare? _share;
    private readonly string? _newDwoName;
    private readonly List<(int Position, string Value)> _addedStrings = [];
    private readonly List<int> _rangesBaseFields = [];
    private readonly List<int> _bodyRangesBase = [];
    private readonly bool _splitUnitHasRanges;
    private readonly List<(int Position, string Value)> _bodyStrings = [];

    private UnitRewriter(UnitRewriteContext context, DebugUpdateOptions options, int lineOwner, ByteWriter? line, SkeletonShare? share, string? newDwoName)
    {
        _context = context;
        _unit = context.Unit;
        _options = options;
        _lineOwner = lineOwner;
        _line = line;
        _share = share;
        _newDwoName = newDwoName;
        context.LoadDieLookup();
        // A little room to grow (ranges replacing low/high pairs): regrowing would copy the whole unit.
        // PERF: from the pool: a spooling merge gives it back once the unit is written out.
        _info = ByteWriter.FromPool((int)Math.Min(_unit.Header.Size + _unit.Header.Size / 16 + 256, int.MaxValue / 2));
        // A GNU DWARF 4 split unit's range lists live in its skeleton's .debug_ranges contribution,
        // and a skeleton's own lists follow those of its split unit there.
        _ranges = share is not null && (!_unit.IsSplit || !Dwarf5) ? share.Ranges
            : new ListWriter(context, share?.LowestAddress, context.SharesRangeLists ? 0 : InputListIndexes(RangeSection(), _unit.RnglistsBase),
                ListSizeHint(RangeSection()));
        _locations = new ListWriter(context, inputIndexes: context.SharesLocationLists ? 0 : InputListIndexes(LocationSection(), _unit.LoclistsBase),
            sizeHint: ListSizeHint(LocationSection()));
        if (share is not null && _unit.IsSplit)
            _baseAddress = share.BaseAddress;
        // The split unit was rebuilt first: what it wrote there is before the skeleton's own lists.
        _splitUnitHasRanges = share is not null && !_unit.IsSplit && !Dwarf5 && share.Ranges.Body.Position > 0;
        _references = context.Scratch.References;
        _references.Clear();
        _listOffsetFields = context.Scratch.ListOffsetFields;
        _listOffsetFields.Clear();
        _abbreviations = new OutputAbbreviations(_unit.Abbreviations);
        _keepsAddressIndex = context.Addresses.Keeps;
        _copyPlans = DieCopyPlans.For(_unit.Abbreviations, _unit.Header.Version);
    }

    private bool Dwarf5 => _unit.Header.Version >= 5;

    /// <summary>
    /// How many lists the offset table of the unit's DWARF 5 list contribution indexes (at its
    /// rnglists/loclists base; a split unit's is its section's first): 0 without one.
    /// </summary>
    private int InputListIndexes(SectionView section, ulong? listsBase)
    {
        int headerSize = ListTableHeader.HeaderSize(OffsetSize);
        if (!Dwarf5 || (listsBase ?? (_unit.IsSplit ? (ulong)headerSize : 0)) is not (var tableBase and > 0)
            || tableBase < (ulong)headerSize || tableBase > (ulong)section.Length)
            return 0;
        var header = ListTableHeader.Read(section, (long)tableBase - headerSize);
        return header.OffsetTableStart == (long)tableBase ? (int)Math.Min(header.OffsetEntryCount, int.MaxValue) : 0;
    }

    /// <summary>About the size of the unit's lists in <paramref name="section"/>: its share of it, as the unit's share of its .debug_info.</summary>
    private int ListSizeHint(SectionView section) =>
        (int)Math.Min(256 + (double)section.Length * _unit.Header.Size / Math.Max(1, _unit.Info.Length), int.MaxValue / 4);

    /// <summary>
    /// The index a list gets (<see cref="ListWriter"/>): none when it is named by offset; when
    /// named by index, the one the input named it by, or a new one.
    /// </summary>
    private int ListIndex(in AttributeValue value, bool asIndex) =>
        !Dwarf5 || !asIndex ? ListWriter.ByOffset
        : value.Kind is AttributeValueKind.LocationListIndex or AttributeValueKind.RangeListIndex ? (int)Math.Min(value.Value, int.MaxValue)
        : ListWriter.NewIndex;
    // A DWARF 5 split unit names its lists by index only (the .dwo's tables have no relocations).
    private bool SplitDwarf5 => Dwarf5 && _unit.IsSplit;
    private int OffsetSize => _unit.Header.OffsetSize;
    private OutputSection InfoSection => _unit.IsTypeSectionUnit ? OutputSection.Types : OutputSection.Info;

    /// <param name="lineOwner">the unit whose rewritten line table this unit's stmt_list names</param>
    /// <param name="line">the rewritten line table, when this unit owns it</param>
    /// <param name="share">for a split unit, what its skeleton lends it; for a skeleton, what its split unit (rebuilt first) used</param>
    /// <param name="newDwoName">for a skeleton, the name of its rewritten .dwo file (null: the name stays)</param>
    public static UnitOutput Rewrite(UnitRewriteContext context, DebugUpdateOptions options, int lineOwner, ByteWriter? line,
        SkeletonShare? share = null, string? newDwoName = null) =>
        new UnitRewriter(context, options, lineOwner, line, share, newDwoName).Run();

    /// <summary>
    /// Where the unit's root DIE will put its code in the output: its base address (its new low_pc
    /// when its code stays contiguous, else 0, as the root then gets DW_AT_ranges) and the lowest
    /// address of its code (null without code). A split unit's lists are relative to these, and
    /// are written before the skeleton is.
    /// </summary>
    public static (ulong BaseAddress, ulong? LowestAddress) OutputRootAddresses(UnitRewriteContext context, DebugUpdateOptions options)
    {
        var unit = context.Unit;
        AttributeValue? low = null, high = null, ranges = null;
        foreach (var attribute in unit.Attributes(0))
        {
            switch (attribute.Name)
            {
                case DwAt.Ranges: ranges = attribute; break;
                case DwAt.LowPc: low = attribute; break;
                case DwAt.HighPc: high = attribute; break;
            }
        }
        if (ranges is null && (low is null || high is null))
            return (0, null);
        var input = unit.CodeRanges(low, high, ranges)!;
        var output = context.TranslateRanges(input);
        ulong? lowest = output.Count > 0 ? output.Min(r => r.Start) : null;
        if (RootKeepsLowHigh(ranges is not null, output, options))
            return (output[0].Start, lowest);
        // As WriteDie: a root whose code is gone has no base; one with ranges keeps its low_pc.
        bool gone = output.Count == 0 && input.Count > 0;
        return (!gone && low is { } lowPc ? unit.ResolveAddress(in lowPc) : 0, lowest);
    }

    private static bool RootKeepsLowHigh(bool hadRanges, List<AddressRange> output, DebugUpdateOptions options) =>
        !hadRanges && output.Count == 1 && !options.AlwaysConvertToRanges;

    private UnitOutput Run()
    {
        var header = _unit.Header;
        var dies = _unit.Dies;
        // The header as it was; its length, abbreviation offset and type offset are patched below.
        _info.WriteBytes(_unit.Info.Span[(int)header.Offset..(int)header.FirstDieOffset]);
        int lengthSize = OffsetSize == 8 ? 12 : 4;
        int abbrevAt = header.Version >= 5 ? lengthSize + 4 : lengthSize + 2;
        _fixups.Add(new SectionFixup(InfoSection, abbrevAt, OffsetSize, OutputSection.Abbrev, _unit.Index, 0));
        int typeOffsetAt = header.IsTypeUnit ? (header.Version >= 5 ? lengthSize + 4 + OffsetSize + 8 : lengthSize + 3 + OffsetSize + 8) : -1;

        var offsets = new uint[dies.Count];
        var open = new Stack<int>();
        // PERF: the loop runs once per DIE (millions on a large program): the entries, the
        // abbreviations and the unit's bytes are looked up once here, not per DIE.
        var entries = dies.Entries;
        var abbreviations = _unit.Abbreviations;
        var unitBytes = _unit.Info.Span;
        bool copy = _options.CopyUnchangedDies;
        for (int die = 0; die < entries.Length; die++)
        {
            int parent = entries[die].ParentDelta == 0 ? -1 : die - entries[die].ParentDelta;
            while (open.Count > 0 && open.Peek() != parent)
            {
                open.Pop();
                _info.WriteU8(0);
            }
            offsets[die] = (uint)_info.Position;
            var abbreviation = abbreviations[entries[die].AbbreviationIndex];
            // The root is always written again: its ranges are the unit's and the base of its lists.
            if (die == 0 || !copy || !TryCopy(in entries[die], abbreviation, unitBytes))
                WriteDie(die);
            else
                _copiedDies++;
            if (abbreviation.HasChildren)
                open.Push(die);
        }
        while (open.Count > 0)
        {
            open.Pop();
            _info.WriteU8(0);
        }
        ListWriter.PatchInitialLength(_info, OffsetSize == 8 ? 4 : 0, OffsetSize);
        if (typeOffsetAt >= 0)
        {
            int typeDie = dies.FindByUnitOffset(header.TypeOffset);
            if (typeDie < 0)
                throw _unit.Info.Error(header.Offset, $"type offset 0x{header.TypeOffset:x} does not point at a DIE");
            _info.Patch(typeOffsetAt, offsets[typeDie], OffsetSize);
        }

        // PERF: one growth, to the exact size, for every list field's fixup (a gcc unit has a location
        // list per variable); EnsureCapacity would at least double it.
        int fixupCount = _fixups.Count + _listOffsetFields.Count + _rangesBaseFields.Count;
        if (_fixups.Capacity < fixupCount)
            _fixups.Capacity = fixupCount;
        var (ranges, rnglists) = FinishLists(_ranges, OutputSection.Ranges, OutputSection.Rnglists, _unit.RnglistsBase != null);
        foreach (int position in _rangesBaseFields)
        {
            if (ranges is not null)
                _fixups.Add(new SectionFixup(InfoSection, position, OffsetSize, OutputSection.Ranges, _unit.Index, 0));
            else
                _info.Patch(position, 0, OffsetSize);
        }
        var (loc, loclists) = FinishLists(_locations, OutputSection.Loc, OutputSection.Loclists, _unit.LoclistsBase != null);
        var infoReferences = new List<(OutputSection, DieReference)>();
        PatchUnitReferences(_info, _references, offsets, InfoSection, infoReferences);
        PatchUnitReferences(loc ?? loclists, _locations.References, offsets, loc != null ? OutputSection.Loc : OutputSection.Loclists, infoReferences,
            loclists != null ? _locationBodyStart : 0);

        return new UnitOutput
        {
            UnitIndex = _unit.Index,
            Info = _info,
            InTypesSection = _unit.IsTypeSectionUnit,
            Abbrev = _abbreviations.Finish(),
            Line = _line,
            Ranges = ranges,
            Rnglists = rnglists,
            Loc = loc,
            Loclists = loclists,
            Addr = FinishAddressTable(),
            AddedStrings = _addedStrings,
            CodeRanges = _unitRanges,
            DieOffsets = offsets,
            DieOffsetMap = DieOffsetMap.Build(entries, offsets),
            CodeLostDies = _codeLost,
            Work = new UnitWork(dies.Count, _copiedDies, _locationLists, _copiedLocationLists),
            Fixups = _fixups,
            InfoReferences = infoReferences,
            IsCompileUnit = !header.IsTypeUnit,
        };
    }

    private int _locationBodyStart;
    private int _copiedDies, _locationLists, _copiedLocationLists;
    private int _lastViewsOffset = -1;

    private (ByteWriter? Dwarf4, ByteWriter? Dwarf5) FinishLists(ListWriter lists, OutputSection dwarf4, OutputSection dwarf5, bool hadBase)
    {
        bool isLocation = dwarf4 == OutputSection.Loc;
        if (!Dwarf5 && !isLocation && _unit.IsSplit && _share is not null)
        {
            // In the skeleton's contribution, which it finishes: offsets from its DW_AT_GNU_ranges_base.
            foreach (var field in _listOffsetFields.Where(f => !f.Locations))
                _info.Patch(field.Position, (ulong)field.BodyOffset, field.Size);
            return (null, null);
        }
        if (!Dwarf5)
        {
            foreach (var field in _listOffsetFields.Where(f => f.Locations == isLocation))
                _fixups.Add(new SectionFixup(InfoSection, field.Position, field.Size, dwarf4, _unit.Index, (ulong)field.BodyOffset));
            return (lists.ListCount > 0 ? lists.Body : null, null);
        }
        if (lists.ListCount == 0 && !hadBase)
            return (null, null);
        var (contribution, bodyStart) = lists.FinishDwarf5(withOffsetTable: true);
        if (isLocation)
            _locationBodyStart = bodyStart;
        foreach (var field in _listOffsetFields.Where(f => f.Locations == isLocation))
            _fixups.Add(new SectionFixup(InfoSection, field.Position, field.Size, dwarf5, _unit.Index, (ulong)(bodyStart + field.BodyOffset)));
        return (null, contribution);
    }

    /// <summary>A base attribute is patched to the unit's new contribution, which exists only when the unit's root (of a version that has it) names one.</summary>
    private void RequireContribution(in AttributeValue value, bool unitHasIt)
    {
        if (!unitHasIt)
            throw _unit.Info.Error(value.ValueOffset, $"{DwarfNames.Name(value.Name)} names a contribution the unit's root does not have");
    }

    private ByteWriter? FinishAddressTable()
    {
        // A split unit's addresses are in its skeleton's table, which the skeleton writes; a
        // shared table is written once its units are all rebuilt.
        if (_context.SharedAddresses is { } shared)
            return shared.OwnerUnit == _unit.Index ? shared.Table : null;
        if (_unit.IsSplit || (_unit.AddrBase is null && _context.Addresses.Count == 0))
            return null;
        var table = new ByteWriter(16 + _context.Addresses.Count * _unit.Header.AddressSize);
        WriteAddressTable(table, _context.Addresses, Dwarf5, _unit.Header.AddressSize, OffsetSize);
        return table;
    }

    /// <summary>A .debug_addr contribution: the DWARF 5 header (GNU DWARF 4 split DWARF's table has none), then every address of the pool.</summary>
    internal static void WriteAddressTable(ByteWriter table, AddressPool pool, bool dwarf5, int addressSize, int offsetSize)
    {
        int lengthAt = dwarf5 ? ListWriter.WriteInitialLength(table, offsetSize) : -1;
        if (dwarf5)
        {
            table.WriteU16(5);
            table.WriteU8((byte)addressSize);
            table.WriteU8(0);
        }
        foreach (var value in pool.Values)
            table.WriteUnsigned(value, addressSize);
        if (dwarf5)
            ListWriter.PatchInitialLength(table, lengthAt, offsetSize);
    }

    // References inside the unit are patched now; the others (ref_addr, DW_OP_call_ref, implicit
    // pointers) wait for the merge.
    private static void PatchUnitReferences(ByteWriter? buffer, List<DieReference> references, uint[] offsets, OutputSection section,
        List<(OutputSection, DieReference)> later, int shift = 0)
    {
        foreach (var reference in references)
        {
            var shifted = reference with { Position = reference.Position + shift };
            if (!reference.IsUnitRelative)
            {
                later.Add((section, shifted));
                continue;
            }
            uint target = offsets[reference.Die];
            switch (reference.Encoding)
            {
                case ReferenceEncoding.Unit4: buffer!.Patch(shifted.Position, target, 4); break;
                case ReferenceEncoding.Unit2:
                    if (target > ushort.MaxValue)
                        throw new InvalidOperationException($"DW_OP_call2 target 0x{target:x} no longer fits 2 bytes");
                    buffer!.Patch(shifted.Position, target, 2);
                    break;
                case ReferenceEncoding.UnitUleb4: buffer!.PatchPaddedUleb(shifted.Position, target, 4); break;
            }
        }
    }

    private enum CodeMode : byte { None, LowHigh, Ranges, Gone }

    private void WriteDie(int die)
    {
        var abbreviation = _unit.Dies.AbbreviationOf(die);
        int count = CollectValues(die, abbreviation);
        bool isRoot = die == 0;

        // Where the DIE's code went.
        var mode = CodeMode.None;
        List<AddressRange>? output = null;
        AttributeValue? low = null, high = null, ranges = null;
        ListBytes? copiedRanges = null; // a range list of code that stayed, copied as it was
        List<AddressRange>? inputCode = null;
        ulong inputLow = 0;
        for (int i = 0; i < count; i++)
        {
            if (_values[i].Name == DwAt.Ranges) ranges = _values[i];
            if (_values[i].Name == DwAt.HighPc) high = _values[i];
            if (_values[i].Name == DwAt.LowPc) { low = _values[i]; inputLow = _unit.ResolveAddress(in _values[i]); }
        }
        bool hadRanges = ranges is not null;
        if (hadRanges || (high is not null && low is not null))
        {
            // From the values already decoded, not a second decoding through DwarfUnit.GetRanges.
            // PERF: a low/high pair (most DIEs with code) and the translation use the rewriter's
            // own lists, not two new ones per DIE.
            List<AddressRange> input;
            if (hadRanges)
            {
                input = _unit.ReadRangeList(ranges!.Value, out var rangeBytes, _codeInput);
                if (!isRoot && IsUnchangedByLayout(ranges.Value, input, rangeBytes))
                    copiedRanges = rangeBytes;
            }
            else
            {
                input = _codeInput;
                input.Clear();
                input.Add(_unit.LowHighRange(low!.Value, high!.Value));
            }
            output = _context.TranslateRanges(input, _codeOutput);
            inputCode = input;
            bool entryMoved = !isRoot && input.Count > 0 && PutEntryFirst(output, input[0].Start);
            if (output.Count == 0)
                mode = input.Count == 0 ? (hadRanges ? CodeMode.Ranges : CodeMode.None) : CodeMode.Gone;
            else if (!entryMoved && RootKeepsLowHigh(hadRanges, output, _options))
                mode = CodeMode.LowHigh;
            else
                mode = CodeMode.Ranges;
        }
        if (isRoot && !(_unit.IsSplit && _share is not null))
        {
            _unitRanges = output is null ? [] : [.. output];
            _baseAddress = mode switch
            {
                CodeMode.LowHigh => output![0].Start,
                CodeMode.Ranges when low is not null => inputLow,
                _ => 0,
            };
            if (_share is not null && _baseAddress != _share.BaseAddress)
                throw new InvalidOperationException($"{_unit}: the base address its split unit's lists were written for (0x{_share.BaseAddress:x}) is not the skeleton's (0x{_baseAddress:x})");
        }

        _shape.Clear();
        _body.Clear();
        _bodyReferences.Clear();
        _bodyFixups.Clear();
        _bodyListFields.Clear();
        _bodyRangesBase.Clear();
        _bodyStrings.Clear();
        bool wroteRanges = false;
        _lastViewsOffset = -1;
        int locviews = -1;
        for (int i = 0; i < count; i++)
            if (_values[i].Name == DwAt.GnuLocviews && _values[i].Kind is AttributeValueKind.SectionOffset or AttributeValueKind.Constant)
                locviews = i;
        for (int i = 0; i < count; i++)
        {
            ref readonly var value = ref _values[i];
            var spec = abbreviation.Attributes[i];
            switch (value.Name)
            {
                case DwAt.LowPc when mode != CodeMode.None:
                    if (mode == CodeMode.LowHigh)
                        WriteAddress(value, output![0].Start);
                    else if (isRoot && mode != CodeMode.Gone)
                        // The unit's base address stays what it was (DWARF 4 and 5 let a unit with
                        // ranges keep a low_pc as the base of its lists): lists of code that stayed,
                        // offsets from it, are then copied as they were.
                        WriteAddress(value, inputLow);
                    continue;
                case DwAt.HighPc when mode != CodeMode.None:
                    if (mode == CodeMode.LowHigh)
                        WriteHighPc(value, output![0]);
                    else if (mode == CodeMode.Ranges && !hadRanges && !wroteRanges)
                    {
                        WriteRangeList(output!, ListWriter.ByOffset);
                        wroteRanges = true;
                    }
                    continue;
                case DwAt.Ranges when mode != CodeMode.None:
                    if (mode == CodeMode.Ranges && !wroteRanges)
                    {
                        if (copiedRanges is { } list)
                        {
                            bool asIndex = value.Kind == AttributeValueKind.RangeListIndex;
                            var (copyOffset, copyIndex) = _ranges.CopyRanges(RangeSection().Span[list.Start..list.End], ListIndex(value, asIndex));
                            WriteListReference(value.Name, copyOffset, copyIndex, asIndex, isLocation: false);
                        }
                        else
                            WriteRangeList(output!, value.Kind == AttributeValueKind.RangeListIndex ? (int)Math.Min(value.Value, int.MaxValue) : ListWriter.ByOffset);
                        wroteRanges = true;
                    }
                    continue;
                case DwAt.GnuLocviews:
                    // The view pairs written before the list this DIE's location just got.
                    if (_lastViewsOffset >= 0)
                    {
                        WriteListOffset(value.Name, _lastViewsOffset, isLocation: true);
                        _lastViewsOffset = -1;
                    }
                    continue;
                // A .dwo's line tables (file names of its type units) hold no addresses: kept as they are.
                case DwAt.StmtList when !_unit.IsSplit:
                    RequireContribution(value, _lineOwner >= 0);
                    WriteSectionOffset(value, spec, OutputSection.Line, 0);
                    continue;
                case DwAt.AddrBase or DwAt.GnuAddrBase:
                    RequireContribution(value, _unit.AddrBase != null);
                    // The GNU DWARF 4 table has no header: its base is its first entry.
                    WriteSectionOffset(value, spec, OutputSection.Addr, Dwarf5 ? (ulong)(OffsetSize == 8 ? 16 : 8) : 0);
                    continue;
                case DwAt.GnuRangesBase when _share is not null && !_unit.IsSplit:
                    // Set once the contribution is known to exist (see FinishRangesBase).
                    _shape.Add(new OutputAttribute(value.Name, DwForm.SecOffset));
                    _bodyRangesBase.Add(_body.Reserve(OffsetSize));
                    continue;
                case DwAt.DwoName or DwAt.GnuDwoName when _newDwoName is not null && isRoot:
                    _shape.Add(new OutputAttribute(value.Name, DwForm.Strp));
                    _bodyStrings.Add((_body.Reserve(OffsetSize), _newDwoName));
                    continue;
                case DwAt.RnglistsBase:
                    RequireContribution(value, Dwarf5 && _unit.RnglistsBase != null);
                    WriteSectionOffset(value, spec, OutputSection.Rnglists, (ulong)ListTableHeader.HeaderSize(OffsetSize));
                    continue;
                case DwAt.LoclistsBase:
                    RequireContribution(value, Dwarf5 && _unit.LoclistsBase != null);
                    WriteSectionOffset(value, spec, OutputSection.Loclists, (ulong)ListTableHeader.HeaderSize(OffsetSize));
                    continue;
                case DwAt.StartScope when value.Kind is AttributeValueKind.SectionOffset or AttributeValueKind.RangeListIndex:
                    WriteRangeList(_context.TranslateRanges(_unit.ReadRangeList(in value)),
                        value.Kind == AttributeValueKind.RangeListIndex ? (int)Math.Min(value.Value, int.MaxValue) : ListWriter.ByOffset, DwAt.StartScope);
                    continue;
            }
            if (value.Kind is AttributeValueKind.Address or AttributeValueKind.AddressIndex)
            {
                WritePoint(die, value, inputLow, value.Name == DwAt.EntryPc ? EntryScope(_unit.ResolveAddress(in value), inputCode, output) : null);
                continue;
            }
            if (value.Name == DwAt.EntryPc && value.Kind is AttributeValueKind.Constant)
            {
                WritePoint(die, value with { Kind = AttributeValueKind.Address, Value = inputLow + value.Value, Form = DwForm.Addr }, inputLow,
                    EntryScope(inputLow + value.Value, inputCode, output));
                continue;
            }
            if (_unit.IsLocationList(in value))
            {
                WriteLocationList(value, value.Name == DwAt.Location && locviews > i ? _values[locviews].Value : null);
                continue;
            }
            if (value.Kind == AttributeValueKind.Expression || (value.Kind == AttributeValueKind.Block && DwarfUnit.IsExpressionAttribute(value.Name)))
            {
                WriteExpression(value);
                continue;
            }
            switch (value.Kind)
            {
                case AttributeValueKind.UnitReference:
                    _shape.Add(new OutputAttribute(value.Name, DwForm.Ref4));
                    _bodyReferences.Add(DieReference.ToDie(_body.Reserve(4), ReferenceEncoding.Unit4, _unit.Index,
                        _context.ResolveUnitOffset(value.Value, value.ValueOffset)));
                    continue;
                case AttributeValueKind.InfoReference:
                {
                    var (unit, target) = _context.ResolveInfoOffset(value.Value, value.ValueOffset);
                    _shape.Add(new OutputAttribute(value.Name, DwForm.RefAddr));
                    int size = _unit.Encoding.RefAddrSize;
                    _bodyReferences.Add(DieReference.ToInfoOffset(_body.Reserve(size), size, unit, target));
                    continue;
                }
            }
            // Everything else means the same in the output: copied as it was.
            _shape.Add(new OutputAttribute(value.Name, spec.Form, spec.ImplicitConst));
            _body.WriteBytes(_unit.Info.Span[value.ValueOffset.._valueEnds[i]]);
        }

        // A GNU DWARF 4 split unit whose code stayed contiguous had no range lists, so its skeleton
        // no DW_AT_GNU_ranges_base; once it has some (written first, into the skeleton's
        // contribution), the skeleton must say where they start.
        if (isRoot && _splitUnitHasRanges && abbreviation.IndexOf(DwAt.GnuRangesBase) < 0)
        {
            _shape.Add(new OutputAttribute(DwAt.GnuRangesBase, DwForm.SecOffset));
            _bodyRangesBase.Add(_body.Reserve(OffsetSize));
        }
        if (DescribesCode(abbreviation.Attributes) && !DescribesCode(_shape))
            _codeLost.Add(die);

        // PERF: most rewritten DIEs keep their shape (a moved function's low/high pair stays a
        // pair): then the input abbreviation, declared under its own code, is the output one.
        _info.WriteUleb(SameShape(abbreviation, _shape) ? abbreviation.Code : _abbreviations.CodeFor(abbreviation.Tag, abbreviation.HasChildren, _shape));
        int bodyAt = _info.Position;
        _info.WriteBytes(_body.WrittenSpan);
        foreach (var reference in _bodyReferences)
            _references.Add(reference with { Position = reference.Position + bodyAt });
        foreach (var (position, size, target, addend) in _bodyFixups)
            _fixups.Add(new SectionFixup(InfoSection, position + bodyAt, size, target, TargetUnit(target), addend));
        foreach (var field in _bodyListFields)
            _listOffsetFields.Add(field with { Position = field.Position + bodyAt });
        foreach (int position in _bodyRangesBase)
            _rangesBaseFields.Add(position + bodyAt);
        foreach (var (position, text) in _bodyStrings)
            _addedStrings.Add((position + bodyAt, text));
    }

    private bool TryCopy(in DieEntry entry, Abbreviation abbreviation, ReadOnlySpan<byte> unitBytes)
    {
        if (_copyPlans[entry.AbbreviationIndex] is { } copied)
            return TryCopyDie(in entry, abbreviation, copied, unitBytes);
        return _copyPlans.WhenCodeStayed(entry.AbbreviationIndex) is { } whenStayed && TryCopyDieWhoseCodeStayed(in entry, abbreviation, whenStayed, unitBytes);
    }

    /// <summary>
    /// Copies a DIE whose code did not move: its bytes as they were, when every code address,
    /// low/high range and location list it names is what the attribute-by-attribute path would
    /// write again (the same addresses, the list copied as it was and its offset fixed at merge).
    /// False, with nothing written, otherwise. Checked first, then written: a list is copied only
    /// once the whole DIE is known to be.
    /// </summary>
    private bool TryCopyDieWhoseCodeStayed(in DieEntry entry, Abbreviation abbreviation, (int Spec, CopiedAttribute What)[] plan, ReadOnlySpan<byte> bytes)
    {
        // Converting every low/high pair to ranges changes the shape.
        if (_options.AlwaysConvertToRanges)
            return false;
        var specs = abbreviation.Attributes;
        var info = _unit.Info;
        int start = (int)(_unit.Offset + entry.UnitOffset);
        int attributesAt = AttributesStart(bytes, start);
        var map = _context.Map;

        // Pass 1: every special value, checked.
        var lists = _stayedLists;
        lists.Clear();
        _stayedRanges.Clear();
        _stayedReferences.Clear();
        ulong viewsAt = 0;
        var cursor = new DwarfCursor(bytes, info.Name, info.BaseOffset, info.File) { Position = attributesAt };
        ulong low = 0, high = 0;
        bool hasHigh = false, highIsLength = false;
        int views = -1;
        for (int s = 0, next = 0; s < specs.Length; s++)
        {
            if (next < plan.Length && plan[next].Spec == s)
            {
                int valueAt = cursor.Position;
                var what = plan[next++].What;
                if (what == CopiedAttribute.Reference)
                    _stayedReferences.Add((s, valueAt));
                else
                {
                    var value = AttributeDecoder.Read(ref cursor, in specs[s], _unit.Encoding);
                    cursor.Position = valueAt;
                    switch (what)
                    {
                        case CopiedAttribute.Expression:
                            if (!ExpressionRewriter.IsCopiedAsIs(_unit.GetBlock(in value), info, value.BlockOffset, _unit.Encoding, _context.Map, _context.Addresses))
                                return false;
                            break;
                        case CopiedAttribute.CodeAddress:
                        {
                            // A point or an end (a return address, a high_pc): no moved code at it or just before it.
                            // An index keeps its value: the new address table starts as a copy of the input one.
                            bool byIndex = value.Kind == AttributeValueKind.AddressIndex;
                            if (byIndex && !_context.Addresses.Keeps(value.Value))
                                return false;
                            ulong address = byIndex ? _context.Addresses.Values[(int)value.Value] : value.Value;
                            if (map.MovesNear(address))
                                return false;
                            if (value.Name == DwAt.LowPc)
                                low = address;
                            else if (value.Name == DwAt.HighPc)
                                (high, hasHigh) = (address, true);
                            break;
                        }
                        case CopiedAttribute.CodeLength:
                            (high, hasHigh, highIsLength) = (value.Value, true, true);
                            break;
                        case CopiedAttribute.LocationList:
                            // The attribute-by-attribute path names every list of a unit with a loclists base by index.
                            bool locationIndex = value.Kind == AttributeValueKind.LocationListIndex;
                            if (locationIndex != LocationListAsIndex(in value) || (locationIndex && !_locations.KeepsIndex(value.Value)))
                                return false;
                            var listEntries = _unit.ReadLocationList(in value, _inputLocationEntries, out var listBytes);
                            if (!IsUnchangedByLayout(in value, listEntries, listBytes, LocationSection()))
                                return false;
                            lists.Add((valueAt, value.Name, listBytes, BoundedEntries(listEntries), locationIndex ? (int)value.Value : ListWriter.ByOffset));
                            break;
                        case CopiedAttribute.RangeList:
                            bool rangeIndex = value.Kind == AttributeValueKind.RangeListIndex;
                            if (rangeIndex && !_ranges.KeepsIndex(value.Value))
                                return false;
                            var ranges = _unit.ReadRangeList(in value, out var rangeBytes, _codeInput);
                            if (!IsUnchangedByLayout(in value, ranges, rangeBytes))
                                return false;
                            _stayedRanges.Add((valueAt, rangeBytes, rangeIndex ? (int)value.Value : ListWriter.ByOffset));
                            break;
                        case CopiedAttribute.LocationViews:
                            views = lists.Count > 0 && value.Value < (ulong)LocationSection().Length ? valueAt : -2;
                            viewsAt = value.Value;
                            break;
                    }
                }
            }
            AttributeDecoder.Skip(ref cursor, in specs[s], _unit.Encoding);
        }
        int end = cursor.Position;
        // A pair is one range: it stays a pair only when it is not empty and no moved code is in it.
        if (hasHigh)
        {
            if (highIsLength)
                high = low + high < low ? 0 : low + high;
            if (high <= low || map.TouchesMovedCode(low, high))
                return false;
        }
        // Views the attribute-by-attribute path would not find (past the section) make it drop the attribute.
        if (views == -2)
            return false;

        // Pass 2: the bytes, their references, and the lists with their offsets fixed at merge.
        int outputStart = _info.Position;
        foreach (var (spec, valueAt) in _stayedReferences)
            AddCopiedReference(bytes, specs[spec], valueAt, start, outputStart);
        _info.WriteBytes(bytes[start..end]);
        // A list named by index got the index it had (checked above); one named by offset is fixed at merge.
        foreach (var (valueAt, rangeBytes, index) in _stayedRanges)
        {
            int offset = _ranges.CopyRanges(RangeSection().Span[rangeBytes.Start..rangeBytes.End], index).Offset;
            if (index == ListWriter.ByOffset)
                _listOffsetFields.Add((false, outputStart + (valueAt - start), OffsetSize, offset));
        }
        foreach (var (valueAt, name, listBytes, bounded, index) in lists)
        {
            bool withViews = name == DwAt.Location && views >= 0;
            var (offset, _, viewsOffset) = CopyUnchangedLocations(listBytes, bounded, withViews ? viewsAt : null, index);
            _locationLists++;
            if (index == ListWriter.ByOffset)
                _listOffsetFields.Add((true, outputStart + (valueAt - start), OffsetSize, offset));
            if (withViews)
                _listOffsetFields.Add((true, outputStart + (views - start), OffsetSize, viewsOffset));
        }
        return true;
    }

    /// <summary>
    /// Copies a DIE that describes no code: its bytes as they were (its abbreviation keeps its
    /// code), with placeholders registered where its references are, patched like any other.
    /// False, with nothing written, when one of its expressions names an address or a DIE.
    /// </summary>
    private bool TryCopyDie(in DieEntry entry, Abbreviation abbreviation, (int Spec, CopiedAttribute What)[] copied, ReadOnlySpan<byte> bytes)
    {
        int start = (int)(_unit.Offset + entry.UnitOffset);
        int attributesAt = AttributesStart(bytes, start);
        int outputStart = _info.Position;
        int referencesBefore = _references.Count;
        int end;
        if (abbreviation.FixedSize >= 0)
        {
            // Only references: every expression form has a variable size.
            foreach (var (s, _) in copied)
                AddCopiedReference(bytes, abbreviation.Attributes[s], attributesAt + abbreviation.Attributes[s].FixedOffset, start, outputStart);
            end = attributesAt + abbreviation.FixedSize;
        }
        else
        {
            var info = _unit.Info;
            var cursor = new DwarfCursor(bytes, info.Name, info.BaseOffset, info.File) { Position = attributesAt };
            var specs = abbreviation.Attributes;
            int next = 0;
            for (int s = 0; s < specs.Length; s++)
            {
                if (next < copied.Length && copied[next].Spec == s)
                {
                    int valueAt = cursor.Position;
                    if (copied[next].What == CopiedAttribute.Reference)
                        AddCopiedReference(bytes, specs[s], valueAt, start, outputStart);
                    else
                    {
                        var value = AttributeDecoder.Read(ref cursor, in specs[s], _unit.Encoding);
                        if (!ExpressionRewriter.IsCopiedAsIs(_unit.GetBlock(in value), info, value.BlockOffset, _unit.Encoding, _context.Map, _context.Addresses))
                        {
                            _references.RemoveRange(referencesBefore, _references.Count - referencesBefore);
                            return false;
                        }
                        cursor.Position = valueAt;
                    }
                    next++;
                }
                AttributeDecoder.Skip(ref cursor, in specs[s], _unit.Encoding);
            }
            end = cursor.Position;
        }
        _info.WriteBytes(bytes[start..end]);
        return true;
    }

    /// <summary>Where a DIE's attributes start: past its abbreviation code (the DIE index decoded it already: only its length is needed).</summary>
    private static int AttributesStart(ReadOnlySpan<byte> bytes, int dieStart)
    {
        int at = dieStart + 1;
        while (bytes[at - 1] >= 0x80)
            at++;
        return at;
    }

    // The DIE index already checked that every value lies inside the unit.
    private void AddCopiedReference(ReadOnlySpan<byte> bytes, in AttributeSpec spec, int valueAt, int dieStart, int outputDieStart)
    {
        int position = outputDieStart + (valueAt - dieStart);
        if (spec.Form == DwForm.Ref4)
        {
            int target = _context.ResolveUnitOffset(BinaryPrimitives.ReadUInt32LittleEndian(bytes[valueAt..]), valueAt);
            _references.Add(DieReference.ToDie(position, ReferenceEncoding.Unit4, _unit.Index, target));
            return;
        }
        int size = _unit.Encoding.RefAddrSize;
        ulong offset = size == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(bytes[valueAt..]) : BinaryPrimitives.ReadUInt32LittleEndian(bytes[valueAt..]);
        var (unit, unitOffset) = _context.ResolveInfoOffset(offset, valueAt);
        _references.Add(DieReference.ToInfoOffset(position, size, unit, unitOffset));
    }

    private static bool IsCodeAttribute(DwAt name) => name is DwAt.LowPc or DwAt.HighPc or DwAt.Ranges or DwAt.EntryPc;

    private static bool DescribesCode(AttributeSpec[] specs)
    {
        foreach (var spec in specs)
            if (IsCodeAttribute(spec.Name))
                return true;
        return false;
    }

    private static bool DescribesCode(List<OutputAttribute> shape)
    {
        foreach (var attribute in shape)
            if (IsCodeAttribute(attribute.Name))
                return true;
        return false;
    }

    private static bool SameShape(Abbreviation abbreviation, List<OutputAttribute> shape)
    {
        var specs = abbreviation.Attributes;
        if (specs.Length != shape.Count)
            return false;
        for (int i = 0; i < specs.Length; i++)
        {
            var attribute = shape[i];
            if (specs[i].Name != attribute.Name || specs[i].Form != attribute.Form
                || (attribute.Form == DwForm.ImplicitConst && specs[i].ImplicitConst != attribute.ImplicitConst))
                return false;
        }
        return true;
    }

    /// <summary>
    /// Debuggers take a scope's entry to be the start of its first range (of its only range when
    /// contiguous): the range holding the translated input entry goes first, split at the entry
    /// when reordering put other code of the scope before it. True when the order changed.
    /// </summary>
    private bool PutEntryFirst(List<AddressRange> ranges, ulong inputEntry)
    {
        if (ranges.Count == 0 || _context.TranslatePoint(inputEntry) is not { } entry)
            return false;
        int holder = -1;
        for (int r = 0; r < ranges.Count && holder < 0; r++)
            if (ranges[r].Contains(entry))
                holder = r;
        if (holder < 0 || (holder == 0 && ranges[0].Start == entry))
            return false;
        var range = ranges[holder];
        ranges.RemoveAt(holder);
        if (range.Start < entry)
            ranges.Insert(holder, new AddressRange(range.Start, entry));
        ranges.Insert(0, new AddressRange(entry, range.End));
        return true;
    }

    private int CollectValues(int die, Abbreviation abbreviation)
    {
        int count = abbreviation.Attributes.Length;
        if (_values.Length < count)
        {
            _values = new AttributeValue[count * 2];
            _valueEnds = new int[count * 2];
        }
        int i = 0;
        var iterator = _unit.Attributes(die);
        while (iterator.MoveNext())
        {
            _values[i] = iterator.Current;
            _valueEnds[i] = iterator.Position;
            i++;
        }
        return i;
    }


    /// <summary>An address attribute that names one point: a label, an entry, a call, a return address.</summary>
    /// <summary>The output ranges an entry_pc must stay inside: the DIE's, when its input entry was inside its input ranges.</summary>
    private static List<AddressRange>? EntryScope(ulong inputEntry, List<AddressRange>? inputCode, List<AddressRange>? outputCode)
    {
        if (inputCode is null || outputCode is null)
            return null;
        foreach (var range in inputCode)
            if (range.Contains(inputEntry))
                return outputCode;
        return null;
    }

    /// <param name="scope">for DW_AT_entry_pc, the DIE's output ranges: the entry is kept inside them (<see cref="ScopeEntry"/>)</param>
    private void WritePoint(int die, in AttributeValue value, ulong inputLow, List<AddressRange>? scope = null)
    {
        ulong address = _unit.ResolveAddress(in value);
        // A call site's return address (GNU call sites keep it in DW_AT_low_pc) is the end of the call.
        bool isEnd = value.Name == DwAt.CallReturnPc || (value.Name == DwAt.LowPc && _unit.TagOf(die) == DwTag.GnuCallSite)
            || value.Name == DwAt.HighPc;
        ulong? moved = isEnd ? _context.TranslateEnd(address) : _context.TranslatePoint(address);
        if (moved is null)
        {
            _context.Warnings.Add($"{DwarfNames.Name(value.Name)} names moved code at no instruction boundary, so it is left out",
                $"0x{address:x} in {_unit}");
            return;
        }
        WriteAddress(value, scope is { Count: > 0 } ? ScopeEntry.InsideScope(moved.Value, scope) : moved.Value);
    }

    /// <summary>An address in the class of the input form: DW_FORM_addr, or an index into the unit's new address table.</summary>
    private void WriteAddress(in AttributeValue value, ulong address)
    {
        if (value.Kind == AttributeValueKind.AddressIndex)
        {
            _shape.Add(new OutputAttribute(value.Name, value.Form == DwForm.GnuAddrIndex ? DwForm.GnuAddrIndex : DwForm.Addrx));
            _body.WriteUleb((ulong)_context.Addresses.IndexFor(value.Value, address));
        }
        else
        {
            _shape.Add(new OutputAttribute(value.Name, DwForm.Addr));
            _body.WriteUnsigned(address, _unit.Header.AddressSize);
        }
    }

    private void WriteHighPc(in AttributeValue value, AddressRange range)
    {
        if (value.Kind is AttributeValueKind.Address or AttributeValueKind.AddressIndex)
        {
            WriteAddress(value, range.End);
            return;
        }
        ulong length = range.Length;
        var form = value.Form switch
        {
            DwForm.Data1 when length <= byte.MaxValue => DwForm.Data1,
            DwForm.Data2 when length <= ushort.MaxValue => DwForm.Data2,
            DwForm.Udata => DwForm.Udata,
            DwForm.Data8 => DwForm.Data8,
            _ => length <= uint.MaxValue ? DwForm.Data4 : DwForm.Data8,
        };
        _shape.Add(new OutputAttribute(DwAt.HighPc, form));
        if (form == DwForm.Udata)
            _body.WriteUleb(length);
        else
            _body.WriteUnsigned(length, form switch { DwForm.Data1 => 1, DwForm.Data2 => 2, DwForm.Data4 => 4, _ => 8 });
    }

    /// <param name="index">the input's index of the list; <see cref="ListWriter.ByOffset"/> when the input named it by offset, <see cref="ListWriter.NewIndex"/> for a new list</param>
    private void WriteRangeList(List<AddressRange> ranges, int index, DwAt name = DwAt.Ranges)
    {
        // A list the input did not reference by index gets an offset in a main unit: binutils 2.40
        // (addr2line, objdump -dl) misreads DW_FORM_rnglistx, and loses inline frames where it is.
        if (SplitDwarf5 && index == ListWriter.ByOffset)
            index = ListWriter.NewIndex;
        bool asIndex = Dwarf5 && index != ListWriter.ByOffset;
        int offset;
        (offset, index) = _ranges.WriteRanges(ranges, _baseAddress, asIndex ? index : ListWriter.ByOffset);
        WriteListReference(name, offset, index, asIndex, isLocation: false);
    }

    private void WriteListReference(DwAt name, int offset, int index, bool asIndex, bool isLocation)
    {
        if (Dwarf5 && asIndex)
        {
            _shape.Add(new OutputAttribute(name, isLocation ? DwForm.Loclistx : DwForm.Rnglistx));
            _body.WriteUleb((ulong)index);
            return;
        }
        WriteListOffset(name, offset, isLocation);
    }

    /// <summary>An offset into the unit's new range or location list section, fixed at merge.</summary>
    private void WriteListOffset(DwAt name, int offset, bool isLocation)
    {
        var form = _unit.Header.Version >= 4 ? DwForm.SecOffset : OffsetSize == 8 ? DwForm.Data8 : DwForm.Data4;
        _shape.Add(new OutputAttribute(name, form));
        _bodyListFields.Add((isLocation, _body.Reserve(OffsetSize), OffsetSize, offset));
    }

    /// <summary>Whose contribution to <paramref name="target"/> a unit's offset names: a shared line or address table's owner's, else its own.</summary>
    private int TargetUnit(OutputSection target) => target switch
    {
        OutputSection.Line => _lineOwner,
        OutputSection.Addr => _context.SharedAddresses?.OwnerUnit ?? _unit.Index,
        _ => _unit.Index,
    };

    /// <summary>An offset into a section contribution (<see cref="TargetUnit"/>'s), patched at merge.</summary>
    private void WriteSectionOffset(in AttributeValue value, in AttributeSpec spec, OutputSection target, ulong addend)
    {
        var form = spec.Form is DwForm.Data4 or DwForm.Data8 or DwForm.SecOffset ? spec.Form : DwForm.SecOffset;
        int size = form == DwForm.Data4 ? 4 : form == DwForm.Data8 ? 8 : OffsetSize;
        _shape.Add(new OutputAttribute(value.Name, form));
        _bodyFixups.Add((_body.Reserve(size), size, target, addend));
    }

    private void WriteExpression(in AttributeValue value)
    {
        _expression.Clear();
        _expressionReferences.Clear();
        ExpressionRewriter.Rewrite(_context, _unit.GetBlock(in value), _unit.Info, value.BlockOffset, _expression, _expressionReferences);
        int length = _expression.Position;
        DwForm form = value.Form switch
        {
            DwForm.Exprloc => DwForm.Exprloc,
            DwForm.Block1 when length <= byte.MaxValue => DwForm.Block1,
            DwForm.Block2 when length <= ushort.MaxValue => DwForm.Block2,
            DwForm.Block4 => DwForm.Block4,
            _ => DwForm.Block,
        };
        _shape.Add(new OutputAttribute(value.Name, form));
        switch (form)
        {
            case DwForm.Block1: _body.WriteU8((byte)length); break;
            case DwForm.Block2: _body.WriteU16((ushort)length); break;
            case DwForm.Block4: _body.WriteU32((uint)length); break;
            default: _body.WriteUleb((ulong)length); break;
        }
        int at = _body.Position;
        _body.WriteBytes(_expression.WrittenSpan);
        foreach (var reference in _expressionReferences)
            _bodyReferences.Add(reference with { Position = reference.Position + at });
    }

    private void WriteLocationList(in AttributeValue value, ulong? viewsAt)
    {
        var section = LocationSection();
        var entries = _locationEntries;
        entries.Clear();
        var input = _unit.ReadLocationList(in value, _inputLocationEntries, out var listBytes);
        _locationLists++;
        bool asIndex = LocationListAsIndex(in value);
        // PERF: most lists of a large program describe code that stayed (gdb: 7 of 10): copied as they are.
        if (IsUnchangedByLayout(in value, input, listBytes, section))
        {
            var (copyOffset, copyIndex, copyViews) = CopyUnchangedLocations(listBytes, BoundedEntries(input), viewsAt, ListIndex(value, asIndex));
            _lastViewsOffset = copyViews;
            WriteListReference(value.Name, copyOffset, copyIndex, asIndex, isLocation: true);
            return;
        }
        // gcc's view pairs: one (begin, end) per bounded entry, just before the list.
        DwarfCursor views = default;
        bool hasViews = viewsAt is { } inputViews && inputViews < (ulong)section.Length;
        if (hasViews)
            views = section.CursorAt((long)viewsAt!.Value);
        var outputViews = hasViews ? _locationViews : null;
        outputViews?.Clear();
        foreach (var entry in input)
        {
            long expressionOffset = ExpressionOffset(section, entry.Expression);
            switch (entry.Kind)
            {
                case LocationListEntryKind.Default:
                    entries.Add((entry.Kind, default, entry.Expression, expressionOffset));
                    break;
                case LocationListEntryKind.Bounded:
                {
                    ulong beginView = hasViews ? views.ReadUleb() : 0, endView = hasViews ? views.ReadUleb() : 0;
                    var pieces = _context.TranslateRange(entry.Range, _pieces, out ulong end);
                    // A begin view counts rows at the entry's first instruction; when that one was
                    // dropped, the rows at its output address are another instruction's.
                    ulong? start = hasViews && !_context.Map.IsDropped(new InputAddress(entry.Start)) ? _context.TranslatePoint(entry.Start) : null;
                    foreach (var piece in pieces)
                    {
                        entries.Add((entry.Kind, piece, entry.Expression, expressionOffset));
                        // The piece where the entry began keeps its begin view, the one where it
                        // ended its end view; a cut the new layout made is at view 0.
                        outputViews?.Add((piece.Start == start ? beginView : 0, piece.End == end ? endView : 0));
                    }
                    break;
                }
                // View pairs belong to the input's entries; the re-split list has none.
            }
        }
        var (offset, index, viewsOffset) = _locations.WriteLocations(entries, section, _baseAddress, ListIndex(value, asIndex), outputViews);
        _lastViewsOffset = viewsOffset;
        WriteListReference(value.Name, offset, index, asIndex, isLocation: true);
    }

    /// <summary>A location list is named by index when the input named it so, or its unit has a loclists base, or is a DWARF 5 split unit.</summary>
    private bool LocationListAsIndex(in AttributeValue value) =>
        value.Kind == AttributeValueKind.LocationListIndex || _unit.LoclistsBase != null || SplitDwarf5;

    /// <summary>
    /// True when a location list means the same in the output as it is: its entries are relative
    /// to a base address the unit keeps or name addresses themselves (never by index into the
    /// address table, which is rebuilt), no entry touches moved code, and no expression names an
    /// address or a DIE. The attribute-by-attribute path would re-encode what this keeps.
    /// </summary>
    private bool IsUnchangedByLayout(in AttributeValue value, List<LocationListEntry> entries, ListBytes bytes, SectionView section)
    {
        if (!IsCopyableList(in value, bytes, isLocation: true))
            return false;
        foreach (var entry in entries)
        {
            if (entry.Kind == LocationListEntryKind.Bounded && NamesMovedCode(entry.Start, entry.End))
                return false;
            if (!entry.Expression.IsEmpty
                && !ExpressionRewriter.IsCopiedAsIs(entry.Expression.Span, section, ExpressionOffset(section, entry.Expression), _unit.Encoding, _context.Map, _context.Addresses))
                return false;
        }
        return true;
    }

    /// <summary>
    /// True when a DW_AT_ranges list means the same in the output as it is (as for location lists,
    /// <see cref="IsUnchangedByLayout(in AttributeValue, List{LocationListEntry}, ListBytes, SectionView)"/>),
    /// and describes some code: the attribute-by-attribute path would sort and merge what this keeps.
    /// </summary>
    private bool IsUnchangedByLayout(in AttributeValue value, List<AddressRange> ranges, ListBytes bytes)
    {
        // A GNU DWARF 4 skeleton's range lists follow its split unit's in one contribution.
        if (_share is not null || !IsCopyableList(in value, bytes, isLocation: false))
            return false;
        bool describesCode = false;
        foreach (var range in ranges)
        {
            if (range.End < range.Start || NamesMovedCode(range.Start, range.End))
                return false;
            describesCode |= !range.IsEmpty;
        }
        return describesCode;
    }

    /// <summary>
    /// Copies a location list <see cref="IsUnchangedByLayout(in AttributeValue, List{LocationListEntry}, ListBytes, SectionView)"/>
    /// accepted, with its view pairs (one per bounded entry) when <paramref name="viewsAt"/> names them.
    /// </summary>
    private (int Offset, int Index, int ViewsOffset) CopyUnchangedLocations(ListBytes bytes, int boundedEntries, ulong? viewsAt, int index)
    {
        var section = LocationSection();
        List<(ulong, ulong)>? views = null;
        if (viewsAt is { } at && at < (ulong)section.Length)
        {
            views = _locationViews;
            views.Clear();
            var cursor = section.CursorAt((long)at);
            for (int i = 0; i < boundedEntries; i++)
                views.Add((cursor.ReadUleb(), cursor.ReadUleb()));
        }
        _copiedLocationLists++;
        return _locations.CopyLocations(section.Span[bytes.Start..bytes.End], index, views);
    }

    private static int BoundedEntries(List<LocationListEntry> entries)
    {
        int bounded = 0;
        foreach (var entry in entries)
            if (entry.Kind == LocationListEntryKind.Bounded)
                bounded++;
        return bounded;
    }

    /// <summary>
    /// What a list's bytes need to mean the same in the output: in a unit that is not split, entries
    /// relative to a base the unit keeps (or to one of the list's own), every address it names by
    /// index kept at that index in the new address table.
    /// </summary>
    private bool IsCopyableList(in AttributeValue value, ListBytes bytes, bool isLocation) =>
        !_unit.IsSplit && value.Kind is AttributeValueKind.SectionOffset or AttributeValueKind.LocationListIndex or AttributeValueKind.RangeListIndex
        && bytes.End > bytes.Start && (!bytes.UsesUnitBase || _baseAddress == _unit.BaseAddress)
        && (!bytes.NamesAddressIndexes
            || ListAddressIndexes.All((isLocation ? LocationSection() : RangeSection()).Span[bytes.Start..bytes.End], isLocation, _unit.Header.AddressSize, _keepsAddressIndex));

    /// <summary>True when moved code lies in [start, end); an empty range still names its address (gcc: a location that holds at one view only).</summary>
    private bool NamesMovedCode(ulong start, ulong end) => _context.Map.TouchesMovedCode(start, Math.Max(end, start + 1));

    private SectionView RangeSection() => Dwarf5 ? _unit.Sections.Rnglists : _unit.Sections.Ranges;

    private SectionView LocationSection() => Dwarf5 ? _unit.Sections.Loclists : _unit.Sections.Loc;

    private static long ExpressionOffset(SectionView section, ReadOnlyMemory<byte> expression)
    {
        if (expression.IsEmpty)
            return 0;
        // The reader hands out slices of the section: their distance from its start is the offset.
        unsafe
        {
            fixed (byte* start = section.Span, at = expression.Span)
                return at - start;
        }
    }
}
