using Rewriter.Common;

namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// The units of one object's debug sections: a main program, or a .dwo file / .dwp package. A main
/// file opened with its split files binds each skeleton unit to its split unit through the dwo_id.
/// </summary>
public sealed class DwarfFile
{
    private readonly List<DwarfUnit> _units = [];
    private readonly List<DwarfUnit> _infoUnits = [];
    private readonly List<DwarfUnit> _typesSectionUnits = [];
    private readonly Dictionary<ulong, DwarfUnit> _typeUnitsBySignature = [];
    private readonly Dictionary<ulong, DwarfUnit> _splitUnitsByDwoId = [];
    private readonly List<DwarfFile> _splitFiles = [];

    private DwarfFile(DebugSections sections, bool isSplit)
    {
        Sections = sections;
        IsSplit = isSplit;
    }

    public DebugSections Sections { get; }

    /// <summary>True for a .dwo file or .dwp package.</summary>
    public bool IsSplit { get; }

    /// <summary>Every unit: those of .debug_info in section order, then those of .debug_types.</summary>
    public IReadOnlyList<DwarfUnit> Units => _units;

    /// <summary>The split files opened with this main file.</summary>
    public IReadOnlyList<DwarfFile> SplitFiles => _splitFiles;

    /// <summary>True for a .dwp package (its units are found through its indexes).</summary>
    public bool IsPackage => CuIndex is not null || TuIndex is not null;

    public DwpIndex? CuIndex { get; private set; }
    public DwpIndex? TuIndex { get; private set; }

    /// <summary>Opens a main program's sections, and optionally its .dwo files or .dwp package.</summary>
    /// <param name="threads">how many threads parse the abbreviation tables (the units' contents are read later, by whoever needs them)</param>
    public static DwarfFile Open(DebugSections sections, IEnumerable<DebugSections>? splitFiles = null, int threads = 1)
    {
        var file = new DwarfFile(sections, isSplit: sections.IsSplitFile);
        file.ReadUnits(threads);
        foreach (var splitSections in splitFiles ?? [])
        {
            var split = new DwarfFile(splitSections, isSplit: true);
            split.ReadUnits(threads);
            file._splitFiles.Add(split);
        }
        file.BindSplitUnits();
        return file;
    }

    private void ReadUnits(int threads)
    {
        string Name(string name) => IsSplit ? DebugSectionNames.Dwo(name) : name;
        var abbreviations = new AbbreviationCache(Sections.View(Name(DebugSectionNames.Abbrev)));
        if (IsSplit)
        {
            if (Sections.Contains(DebugSectionNames.CuIndex))
                CuIndex = DwpIndex.Read(Sections.View(DebugSectionNames.CuIndex));
            if (Sections.Contains(DebugSectionNames.TuIndex))
                TuIndex = DwpIndex.Read(Sections.View(DebugSectionNames.TuIndex));
        }
        ReadSection(Sections.View(Name(DebugSectionNames.Info)), isTypes: false, abbreviations, _infoUnits, threads);
        ReadSection(Sections.View(Name(DebugSectionNames.Types)), isTypes: true, abbreviations, _typesSectionUnits, threads);
        foreach (var unit in _units)
        {
            if (unit.Header.IsTypeUnit)
                _typeUnitsBySignature.TryAdd(unit.Header.TypeSignature, unit);
            else if (IsSplit && unit.DwoId is { } dwoId)
                _splitUnitsByDwoId.TryAdd(dwoId, unit);
        }
    }

    private void ReadSection(SectionView info, bool isTypes, AbbreviationCache abbreviations, List<DwarfUnit> into, int threads)
    {
        if (info.IsEmpty)
            return;
        var packageRows = PackageRowsByOffset(isTypes);
        var units = new List<(UnitHeader Header, UnitSections Sections, DwpIndexRow? Row, ulong AbbrevOffset)>();
        foreach (var header in UnitHeaderReader.ReadAll(info, isTypes, IsSplit))
        {
            UnitSections sections;
            ulong abbrevOffset = header.AbbrevOffset;
            DwpIndexRow? row = null;
            if (IsSplit)
            {
                if (packageRows is not null && !packageRows.TryGetValue(header.Offset, out row))
                    throw info.Error(header.Offset, "unit is not listed in the package index");
                sections = UnitSections.ForSplitFile(Sections, row);
                if (row?.Find(DwSect.Abbrev) is { } abbrev)
                {
                    if (abbrevOffset >= abbrev.Size)
                        throw info.Error(header.Offset, $"abbreviation offset 0x{abbrevOffset:x} is outside the unit's contribution (size 0x{abbrev.Size:x})");
                    abbrevOffset += abbrev.Offset;
                }
            }
            else
                sections = UnitSections.ForMainFile(Sections);
            units.Add((header, sections, row, abbrevOffset));
        }
        // PERF: the tables are parsed in parallel first (on gdb 2.2 MB of them, ~30 ms of the update's
        // serial start at one thread). A table that does not parse is left out here and parsed again
        // below, in unit order, so the error reported is the one of the first unit that names a bad table.
        if (threads > 1 && units.Count > 1)
            Parallel.For(0, units.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, u =>
            {
                try { abbreviations.Get(units[u].AbbrevOffset, units[u].Header.Encoding); }
                catch (DwarfFormatException) { }
            });
        foreach (var (header, sections, row, abbrevOffset) in units)
        {
            var table = abbreviations.Get(abbrevOffset, header.Encoding);
            var unit = new DwarfUnit(this, _units.Count, header, info, table, sections, IsSplit) { PackageRow = IsSplit ? row : null };
            into.Add(unit);
            _units.Add(unit);
        }
    }

    // In a package, each unit's contributions are found through the index row whose info (or
    // types) contribution starts where the unit does.
    private Dictionary<long, DwpIndexRow>? PackageRowsByOffset(bool isTypes)
    {
        if (CuIndex is null && TuIndex is null)
            return null;
        var column = isTypes ? DwSect.Types : DwSect.Info;
        var rows = new Dictionary<long, DwpIndexRow>();
        foreach (var index in new[] { CuIndex, TuIndex })
        {
            if (index is null)
                continue;
            foreach (var row in index.Rows)
                if (row.Find(column) is { } contribution)
                    rows.TryAdd(contribution.Offset, row);
        }
        return rows;
    }

    private void BindSplitUnits()
    {
        foreach (var unit in _infoUnits)
        {
            if (unit.Header.UnitType != DwUnitType.Skeleton || unit.DwoId is not { } dwoId)
                continue;
            foreach (var split in _splitFiles)
            {
                if (split._splitUnitsByDwoId.TryGetValue(dwoId, out var splitUnit))
                {
                    if (splitUnit.Skeleton is null)
                        splitUnit.BindSkeleton(unit);
                    break;
                }
            }
        }
    }

    /// <summary>The unit of .debug_info (or .debug_types) whose bytes contain <paramref name="offset"/>.</summary>
    public DwarfUnit? FindUnitContaining(long offset, bool inTypesSection = false)
    {
        var units = inTypesSection ? _typesSectionUnits : _infoUnits;
        int index = SortedSearch.UpperBound(units, offset, static (in DwarfUnit unit) => unit.Header.End);
        return index < units.Count && units[index].Header.Offset <= offset ? units[index] : null;
    }

    /// <summary>The type unit with this signature, here or in a split file.</summary>
    public DwarfUnit? FindTypeUnit(ulong signature)
    {
        if (_typeUnitsBySignature.TryGetValue(signature, out var unit))
            return unit;
        foreach (var split in _splitFiles)
            if (split._typeUnitsBySignature.TryGetValue(signature, out unit))
                return unit;
        return null;
    }

    /// <summary>The split unit with this dwo_id among the split files.</summary>
    public DwarfUnit? FindSplitUnit(ulong dwoId)
    {
        if (_splitUnitsByDwoId.TryGetValue(dwoId, out var unit))
            return unit;
        foreach (var split in _splitFiles)
            if (split._splitUnitsByDwoId.TryGetValue(dwoId, out unit))
                return unit;
        return null;
    }
}
