using System.Text;

namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// One unit of .debug_info/.debug_types (or their .dwo variants): its header, abbreviations, the
/// base attributes of its root DIE and, built on first use, its compact DIE index. Attribute values
/// are decoded on demand from the section; nothing per DIE is allocated beyond the index.
/// </summary>
public sealed class DwarfUnit
{
    private DieIndex? _dies;
    private readonly AttributeValue? _rootLowPc;

    internal DwarfUnit(DwarfFile file, int index, UnitHeader header, SectionView info, AbbreviationTable abbreviations,
        UnitSections sections, bool isSplit)
    {
        File = file;
        Index = index;
        Header = header;
        Info = info;
        Abbreviations = abbreviations;
        Sections = sections;
        IsSplit = isSplit;
        DwoId = header.DwoId;

        // The root DIE carries the bases every other attribute needs; read it without indexing the unit.
        var cursor = info.CursorAt(header.FirstDieOffset);
        ulong code = cursor.ReadUleb();
        if (!abbreviations.TryGetIndex(code, out int abbreviationIndex))
            throw info.Error(header.FirstDieOffset, code == 0 ? "unit has no root DIE" : $"abbreviation code {code} is not in the table at .debug_abbrev+0x{abbreviations.Offset:x}");
        var root = abbreviations[abbreviationIndex];
        RootTag = root.Tag;
        foreach (var attribute in new AttributeIterator(cursor, root, header.Encoding))
        {
            switch (attribute.Name)
            {
                case DwAt.StmtList: StmtList = attribute.Value; break;
                case DwAt.StrOffsetsBase: StrOffsetsBase = attribute.Value; break;
                case DwAt.AddrBase or DwAt.GnuAddrBase: AddrBase = attribute.Value; break;
                case DwAt.RnglistsBase: RnglistsBase = attribute.Value; break;
                case DwAt.GnuRangesBase: GnuRangesBase = attribute.Value; break;
                case DwAt.LoclistsBase: LoclistsBase = attribute.Value; break;
                case DwAt.GnuDwoId: DwoId ??= attribute.Value; break;
                case DwAt.LowPc: _rootLowPc = attribute; break;
                case DwAt.Name: _nameValue = attribute; break;
                case DwAt.CompDir: _compDirValue = attribute; break;
                case DwAt.DwoName or DwAt.GnuDwoName: _dwoNameValue = attribute; break;
            }
        }
        if (header.Version < 5 && !isSplit && header.UnitType == DwUnitType.Compile && DwoId is not null)
            Header = header with { UnitType = DwUnitType.Skeleton };
        else if (header.Version < 5 && RootTag == DwTag.PartialUnit)
            Header = header with { UnitType = DwUnitType.Partial };
    }

    private readonly AttributeValue? _nameValue, _compDirValue, _dwoNameValue;

    public DwarfFile File { get; }

    /// <summary>Position of this unit in <see cref="DwarfFile.Units"/>.</summary>
    public int Index { get; }

    public UnitHeader Header { get; }
    public SectionView Info { get; }
    public AbbreviationTable Abbreviations { get; }
    public UnitSections Sections { get; private set; }

    /// <summary>For a unit of a .dwp package: its row of the package's index (.debug_cu_index, or .debug_tu_index for a type unit).</summary>
    public DwpIndexRow? PackageRow { get; init; }

    /// <summary>True for units of a .dwo file or .dwp package.</summary>
    public bool IsSplit { get; }

    public UnitEncoding Encoding => Header.Encoding;
    public long Offset => Header.Offset;
    public DwTag RootTag { get; }
    public ulong? DwoId { get; }
    public ulong? StmtList { get; }
    public ulong? StrOffsetsBase { get; }
    public ulong? AddrBase { get; }
    public ulong? RnglistsBase { get; }
    public ulong? GnuRangesBase { get; }
    public ulong? LoclistsBase { get; }

    /// <summary>For a skeleton unit: the split unit it was matched with (by dwo_id).</summary>
    public DwarfUnit? SplitUnit { get; private set; }

    /// <summary>For a split compile unit: the skeleton unit that names it.</summary>
    public DwarfUnit? Skeleton { get; private set; }

    public string? Name => _nameValue is { } v ? GetString(in v) : null;
    public string? CompilationDirectory => Skeleton?.CompilationDirectory ?? (_compDirValue is { } v ? GetString(in v) : null);
    public string? DwoName => _dwoNameValue is { } v ? GetString(in v) : null;

    /// <summary>The unit's base address for range and location lists: the root DIE's DW_AT_low_pc (the skeleton's for a split unit).</summary>
    public ulong BaseAddress
    {
        get
        {
            if (Skeleton is not null)
                return Skeleton.BaseAddress;
            return _rootLowPc is { } lowPc ? ResolveAddress(in lowPc) : 0;
        }
    }

    internal void BindSkeleton(DwarfUnit skeleton)
    {
        Skeleton = skeleton;
        skeleton.SplitUnit = this;
        Sections = Sections with { Addr = skeleton.Sections.Addr, Ranges = skeleton.Sections.Ranges };
    }

    /// <summary>The compact DIE index, built on first use (thread-safe; concurrent first calls may both build it).</summary>
    public DieIndex Dies
    {
        get
        {
            var dies = Volatile.Read(ref _dies);
            if (dies is null)
            {
                dies = DieIndexBuilder.Build(Info, Header, Abbreviations);
                Volatile.Write(ref _dies, dies);
            }
            return dies;
        }
    }

    /// <summary>A sequential scanner over this unit's DIEs and attributes (no index needed).</summary>
    public UnitScanner Scan() => new(Info, Header, Abbreviations);

    /// <summary>Drops the DIE index so its memory can be reclaimed.</summary>
    /// <param name="returnStorage">
    /// give its entries back to the shared pool: only when nothing else can still hold the index
    /// (the debug update, once a bucket is done)
    /// </param>
    public void ReleaseDies(bool returnStorage = false)
    {
        var dies = Interlocked.Exchange(ref _dies, null);
        if (returnStorage)
            dies?.ReturnStorage();
    }

    public long SectionOffsetOf(int die) => Header.Offset + Dies[die].UnitOffset;

    public DwTag TagOf(int die) => Dies[die].Tag;

    /// <summary>The attributes of DIE <paramref name="die"/>, decoded from the section as iterated.</summary>
    public AttributeIterator Attributes(int die)
    {
        var dies = Dies;
        ref readonly var entry = ref dies[die];
        var cursor = Info.CursorAt(Header.Offset + entry.UnitOffset);
        cursor.ReadUleb();
        return new AttributeIterator(cursor, Abbreviations[entry.AbbreviationIndex], Header.Encoding);
    }

    public bool TryGetAttribute(int die, DwAt name, out AttributeValue value)
    {
        var abbreviation = Dies.AbbreviationOf(die);
        if (abbreviation.IndexOf(name) >= 0)
        {
            foreach (var attribute in Attributes(die))
            {
                if (attribute.Name == name)
                {
                    value = attribute;
                    return true;
                }
            }
        }
        value = default;
        return false;
    }

    public bool HasAttribute(int die, DwAt name) => Dies.AbbreviationOf(die).IndexOf(name) >= 0;

    /// <summary>The bytes of a block, exprloc, data16 or inline-string value.</summary>
    public ReadOnlySpan<byte> GetBlock(in AttributeValue value) =>
        value.IsBlock || value.Form == DwForm.Data16 ? Info.Span.Slice(value.BlockOffset, value.BlockLength) : default;

    public StringOffsetsTable StringOffsets
    {
        get
        {
            ulong baseOffset;
            int offsetSize = Header.OffsetSize;
            if (StrOffsetsBase is { } explicitBase)
                baseOffset = explicitBase;
            else if (Header.Version >= 5 && Sections.StrOffsets.Length >= 8)
            {
                // Split units (and producers that omit the attribute) start right after the contribution header.
                var (first, size, _) = StringOffsetsTable.ReadHeader(Sections.StrOffsets, 0);
                baseOffset = (ulong)first;
                offsetSize = size;
            }
            else
                baseOffset = 0;
            return new StringOffsetsTable(Sections.StrOffsets, baseOffset, offsetSize);
        }
    }

    public AddressTable AddressTable
    {
        get
        {
            ulong baseOffset = Skeleton?.AddrBase ?? AddrBase ?? (Header.Version >= 5 && Sections.Addr.Length >= 8 ? 8UL : 0UL);
            return new AddressTable(Sections.Addr, baseOffset, Header.AddressSize);
        }
    }

    /// <summary>The string of a string-class value (string, strp, line_strp, strx*, GNU_str_index).</summary>
    public ReadOnlySpan<byte> GetStringBytes(in AttributeValue value) => value.Kind switch
    {
        AttributeValueKind.InlineString => Info.Span.Slice(value.BlockOffset, value.BlockLength),
        AttributeValueKind.StringOffset => StringSection.ReadBytes(Sections.Str, value.Value),
        AttributeValueKind.LineStringOffset => StringSection.ReadBytes(Sections.LineStr, value.Value),
        AttributeValueKind.StringIndex => StringSection.ReadBytes(Sections.Str, StringOffsets.Read(value.Value)),
        AttributeValueKind.SupplementaryStringOffset =>
            throw Info.Error(value.ValueOffset, "DW_FORM_strp_sup refers to a supplementary object file, which is not supported"),
        _ => throw Info.Error(value.ValueOffset, $"{DwarfNames.Name(value.Name)} uses non-string form {DwarfNames.Name(value.Form)}"),
    };

    public string GetString(in AttributeValue value) => System.Text.Encoding.UTF8.GetString(GetStringBytes(in value));

    public string? GetName(int die) => TryGetAttribute(die, DwAt.Name, out var value) ? GetString(in value) : null;

    /// <summary>The address of an address-class value (addr, addrx*, GNU_addr_index).</summary>
    public ulong ResolveAddress(in AttributeValue value) => value.Kind switch
    {
        AttributeValueKind.Address => value.Value,
        AttributeValueKind.AddressIndex => AddressTable.Read(value.Value),
        _ => throw Info.Error(value.ValueOffset, $"{DwarfNames.Name(value.Name)} uses non-address form {DwarfNames.Name(value.Form)}"),
    };

    /// <summary>Resolves a reference-class value to a unit and DIE index (ref_addr may land in another unit).</summary>
    public (DwarfUnit Unit, int Die) ResolveReference(in AttributeValue value)
    {
        switch (value.Kind)
        {
            case AttributeValueKind.UnitReference:
            {
                int die = Dies.FindByUnitOffset(value.Value);
                if (die < 0)
                    throw Info.Error(value.ValueOffset, $"reference 0x{value.Value:x} does not point at a DIE of unit 0x{Offset:x}");
                return (this, die);
            }
            case AttributeValueKind.InfoReference:
            {
                var unit = File.FindUnitContaining((long)Math.Min(value.Value, long.MaxValue), IsTypeSectionUnit);
                int die = unit is null ? -1 : unit.Dies.FindByUnitOffset(value.Value - (ulong)unit.Offset);
                if (unit is null || die < 0)
                    throw Info.Error(value.ValueOffset, $"reference 0x{value.Value:x} does not point at a DIE");
                return (unit, die);
            }
            case AttributeValueKind.SignatureReference:
            {
                var unit = File.FindTypeUnit(value.Value)
                    ?? throw Info.Error(value.ValueOffset, $"no type unit has signature 0x{value.Value:x16}");
                int die = unit.Dies.FindByUnitOffset(unit.Header.TypeOffset);
                if (die < 0)
                    throw unit.Info.Error(unit.Offset, $"type offset 0x{unit.Header.TypeOffset:x} does not point at a DIE");
                return (unit, die);
            }
            default:
                throw Info.Error(value.ValueOffset, $"{DwarfNames.Name(value.Name)} uses non-reference form {DwarfNames.Name(value.Form)}");
        }
    }

    internal bool IsTypeSectionUnit => Info.Name.StartsWith(DebugSectionNames.Types, StringComparison.Ordinal);

    /// <summary>
    /// The code ranges of a DIE: DW_AT_low_pc with DW_AT_high_pc (address or length), or DW_AT_ranges.
    /// Returns null when the DIE has neither (it describes no code). Ranges are as written.
    /// </summary>
    public List<AddressRange>? GetRanges(int die)
    {
        AttributeValue? low = null, high = null, ranges = null;
        var abbreviation = Dies.AbbreviationOf(die);
        if (abbreviation.IndexOf(DwAt.LowPc) < 0 && abbreviation.IndexOf(DwAt.Ranges) < 0)
            return null;
        foreach (var attribute in Attributes(die))
        {
            switch (attribute.Name)
            {
                case DwAt.LowPc: low = attribute; break;
                case DwAt.HighPc: high = attribute; break;
                case DwAt.Ranges: ranges = attribute; break;
            }
        }
        return CodeRanges(low, high, ranges);
    }

    /// <summary>
    /// The code a DIE's DW_AT_ranges, or else its DW_AT_low_pc/high_pc pair, describes (a high_pc
    /// of constant class is a length); null when it has neither.
    /// </summary>
    public List<AddressRange>? CodeRanges(AttributeValue? low, AttributeValue? high, AttributeValue? ranges)
    {
        if (ranges is { } r)
            return ReadRangeList(in r);
        if (low is { } l && high is { } h)
            return [LowHighRange(in l, in h)];
        return null;
    }

    /// <summary>The code a DW_AT_low_pc/high_pc pair describes (a high_pc of constant class is a length).</summary>
    public AddressRange LowHighRange(in AttributeValue low, in AttributeValue high)
    {
        ulong start = ResolveAddress(in low);
        ulong end = high.Kind is AttributeValueKind.Address or AttributeValueKind.AddressIndex ? ResolveAddress(in high) : start + high.Value;
        return new AddressRange(start, end);
    }

    /// <summary>Reads the range list a DW_AT_ranges (or DW_AT_start_scope) value designates.</summary>
    public List<AddressRange> ReadRangeList(in AttributeValue value) => ReadRangeList(in value, out _);

    /// <param name="bytes">where the list's bytes lie in its section (.debug_rnglists or .debug_ranges)</param>
    /// <param name="into">a list to fill (cleared first) instead of a new one</param>
    public List<AddressRange> ReadRangeList(in AttributeValue value, out ListBytes bytes, List<AddressRange>? into = null)
    {
        ulong baseAddress = BaseAddress;
        if (value.Kind == AttributeValueKind.RangeListIndex)
        {
            ulong tableBase = RnglistsBase ?? (ulong)ListTableHeader.HeaderSize(Header.OffsetSize);
            ulong offset = ListTableHeader.ResolveIndex(Sections.Rnglists, tableBase, value.Value, Header.OffsetSize);
            return RangeListReader.ReadRnglist(Sections.Rnglists, offset, Header.AddressSize, baseAddress, AddressTable, out bytes, into);
        }
        if (value.Kind is not (AttributeValueKind.SectionOffset or AttributeValueKind.Constant))
            throw Info.Error(value.ValueOffset, $"DW_AT_ranges uses unexpected form {DwarfNames.Name(value.Form)}");
        if (Header.Version >= 5)
            return RangeListReader.ReadRnglist(Sections.Rnglists, value.Value, Header.AddressSize, baseAddress, AddressTable, out bytes, into);
        ulong rangesOffset = value.Value + (IsSplit ? Skeleton?.GnuRangesBase ?? 0 : 0);
        return RangeListReader.ReadDebugRanges(Sections.Ranges, rangesOffset, Header.AddressSize, baseAddress, out bytes, into);
    }

    /// <summary>True when a location-class attribute's value is a location list rather than an expression.</summary>
    public bool IsLocationList(in AttributeValue value) => value.Kind switch
    {
        AttributeValueKind.LocationListIndex => true,
        AttributeValueKind.SectionOffset => IsLocationAttribute(value.Name),
        AttributeValueKind.Constant => Header.Version < 4 && value.Form is DwForm.Data4 or DwForm.Data8 && IsLocationAttribute(value.Name),
        _ => false,
    };

    /// <summary>An attribute whose block value is a DWARF expression: a location-class attribute or a call target.</summary>
    public static bool IsExpressionAttribute(DwAt name) => IsLocationAttribute(name) || IsCallTarget(name);

    public static bool IsCallTarget(DwAt name) => name is DwAt.CallTarget or DwAt.CallTargetClobbered
        or DwAt.GnuCallSiteTarget or DwAt.GnuCallSiteTargetClobbered;

    public static bool IsLocationAttribute(DwAt name) => name is DwAt.Location or DwAt.FrameBase or DwAt.StringLength
        or DwAt.ReturnAddr or DwAt.DataMemberLocation or DwAt.UseLocation or DwAt.StaticLink or DwAt.VtableElemLocation
        or DwAt.Segment or DwAt.DataLocation or DwAt.CallValue or DwAt.CallDataValue or DwAt.CallDataLocation
        or DwAt.GnuCallSiteValue or DwAt.GnuCallSiteDataValue;

    /// <summary>Reads the location list a location-class value designates (into <paramref name="entries"/>, cleared first, when given).</summary>
    public List<LocationListEntry> ReadLocationList(in AttributeValue value, List<LocationListEntry>? entries = null) =>
        ReadLocationList(in value, entries, out _);

    /// <param name="bytes">
    /// where the list's bytes lie in its section (.debug_loclists or .debug_loc); a GNU split
    /// DWARF 4 list always counts as naming addresses by index
    /// </param>
    public List<LocationListEntry> ReadLocationList(in AttributeValue value, List<LocationListEntry>? entries, out ListBytes bytes)
    {
        ulong baseAddress = BaseAddress;
        if (value.Kind == AttributeValueKind.LocationListIndex)
        {
            ulong tableBase = LoclistsBase ?? (ulong)ListTableHeader.HeaderSize(Header.OffsetSize);
            ulong offset = ListTableHeader.ResolveIndex(Sections.Loclists, tableBase, value.Value, Header.OffsetSize);
            return LocationListReader.ReadLoclist(Sections.Loclists, offset, Header.AddressSize, baseAddress, AddressTable, entries, out bytes);
        }
        if (Header.Version >= 5)
            return LocationListReader.ReadLoclist(Sections.Loclists, value.Value, Header.AddressSize, baseAddress, AddressTable, entries, out bytes);
        if (IsSplit)
        {
            bytes = new ListBytes(0, 0, NamesAddressIndexes: true);
            return LocationListReader.ReadGnuSplitLoc(Sections.Loc, value.Value, baseAddress, AddressTable, entries);
        }
        return LocationListReader.ReadDebugLoc(Sections.Loc, value.Value, Header.AddressSize, baseAddress, entries, out bytes);
    }

    /// <summary>The unit's line table (DW_AT_stmt_list); a split compile unit uses its skeleton's.</summary>
    public LineTable? ReadLineTable()
    {
        if (Skeleton is not null && StmtList is null)
            return Skeleton.ReadLineTable();
        return ReadLineTableHeader() is { } header
            ? new LineTable(header, LineTableReader.RunProgram(Sections.Line, header, Header.AddressSize))
            : null;
    }

    /// <summary>The header of the unit's own line table (DW_AT_stmt_list), or null when it names none; its rows are run separately.</summary>
    /// <param name="withPaths">decode its directory and file names (see <see cref="LineTableReader.ReadHeader"/>)</param>
    public LineProgramHeader? ReadLineTableHeader(bool withPaths = true)
    {
        if (StmtList is not { } offset)
            return null;
        var strings = new LineStringSources(Sections.Str, Sections.LineStr, Header.Version >= 5 ? StringOffsets : null);
        return LineTableReader.ReadHeader(Sections.Line, offset, strings, withPaths);
    }

    public override string ToString() => $"unit 0x{Offset:x} ({Header.UnitType}, v{Header.Version}) {Name}";

    internal static string Utf8(ReadOnlySpan<byte> bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
