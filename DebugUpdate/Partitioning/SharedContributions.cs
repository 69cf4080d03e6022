using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Partitioning;

/// <summary>
/// The input contributions that several units name by one offset: a line table (one DW_AT_stmt_list,
/// rewritten once, by its first unit), and in DWARF 5 main units, as clang -flto writes them for all
/// the units of a partition, an address table and range-list and location-list contributions (one
/// base). Units sharing a line or an address table are rebuilt in one bucket; an address table stays
/// one table (its first unit's), and a list contribution's offset table is not kept per unit (each
/// unit would repeat every index of the whole table).
/// </summary>
public sealed class SharedContributions
{
    private readonly Dictionary<ulong, int> _lineTableOwners, _addressTableOwners;
    private readonly HashSet<ulong> _rangeListBases, _locationListBases;

    private SharedContributions(Dictionary<ulong, int> lineTableOwners, Dictionary<ulong, int> addressTableOwners, HashSet<ulong> rangeListBases,
        HashSet<ulong> locationListBases) =>
        (_lineTableOwners, _addressTableOwners, _rangeListBases, _locationListBases) = (lineTableOwners, addressTableOwners, rangeListBases, locationListBases);

    public static SharedContributions Find(DwarfFile file)
    {
        var lineOwners = new Dictionary<ulong, int>();
        var addressOwners = new Dictionary<ulong, int>();
        HashSet<ulong> sharedAddresses = [], rangeBases = [], sharedRanges = [], locationBases = [], sharedLocations = [];
        foreach (var unit in file.Units)
        {
            if (unit.StmtList is { } stmtList)
                lineOwners.TryAdd(stmtList, unit.Index);
            if (!IsMainDwarf5(unit))
                continue;
            if (unit.AddrBase is { } addrBase && !addressOwners.TryAdd(addrBase, unit.Index))
                sharedAddresses.Add(addrBase);
            if (unit.RnglistsBase is { } rangesBase && !rangeBases.Add(rangesBase))
                sharedRanges.Add(rangesBase);
            if (unit.LoclistsBase is { } locationsBase && !locationBases.Add(locationsBase))
                sharedLocations.Add(locationsBase);
        }
        foreach (var addrBase in addressOwners.Keys)
            if (!sharedAddresses.Contains(addrBase))
                addressOwners.Remove(addrBase);
        return new SharedContributions(lineOwners, addressOwners, sharedRanges, sharedLocations);
    }

    /// <summary>A DWARF 5 unit of the program itself (a split unit's tables are its skeleton's or its .dwo's own).</summary>
    private static bool IsMainDwarf5(DwarfUnit unit) => !unit.IsSplit && unit.Header.Version >= 5;

    /// <summary>The first unit naming the unit's line table, which rewrites it (the unit itself when no other names it); -1 without one.</summary>
    public int LineTableOwner(DwarfUnit unit) => unit.StmtList is { } stmtList ? _lineTableOwners[stmtList] : -1;

    /// <summary>The first unit naming the unit's address table, when other units name it too.</summary>
    public bool SharesAddressTable(DwarfUnit unit, out int owner)
    {
        owner = -1;
        return IsMainDwarf5(unit) && unit.AddrBase is { } addrBase && _addressTableOwners.TryGetValue(addrBase, out owner);
    }

    public bool SharesRangeLists(DwarfUnit unit) => IsMainDwarf5(unit) && unit.RnglistsBase is { } b && _rangeListBases.Contains(b);

    public bool SharesLocationLists(DwarfUnit unit) => IsMainDwarf5(unit) && unit.LoclistsBase is { } b && _locationListBases.Contains(b);
}
