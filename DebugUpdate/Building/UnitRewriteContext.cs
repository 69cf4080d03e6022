using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// What every writer of one unit shares: the input unit, the address map, the unit's new address
/// pool, and the counters of what could not be translated. Private to the thread rebuilding the unit.
/// </summary>
public sealed class UnitRewriteContext
{
    /// <param name="scratch">the buffers of the worker rebuilding the unit</param>
    /// <param name="addresses">the address table the unit's indexes go to: its skeleton's for a split unit, else a new one</param>
    /// <param name="sharedAddresses">the table of the unit's DW_AT_addr_base when other units name it too</param>
    public UnitRewriteContext(DwarfUnit unit, CodeAddressMap map, DebugUpdateWarnings warnings, WorkerScratch scratch, AddressPool? addresses = null,
        SharedAddressTable? sharedAddresses = null)
    {
        Unit = unit;
        SharedAddresses = sharedAddresses;
        Addresses = addresses ?? sharedAddresses?.Pool ?? SeededAddressPool(unit);
        Map = map;
        Warnings = warnings;
        Scratch = scratch;
    }

    /// <summary>
    /// The new address table of a unit with a DWARF 5 table of its own: a copy of the input table
    /// (<see cref="AddressPool"/>). Other units start with an empty one.
    /// </summary>
    internal static AddressPool SeededAddressPool(DwarfUnit unit)
    {
        if (unit.IsSplit || unit.Header.Version < 5 || unit.AddrBase is not { } addrBase)
            return new AddressPool();
        var section = unit.Sections.Addr;
        ulong headerSize = unit.Header.OffsetSize == 8 ? 16UL : 8UL;
        if (addrBase < headerSize || addrBase > (ulong)section.Length)
            return new AddressPool();
        var (first, addressSize, end) = AddressTable.ReadHeader(section, (long)(addrBase - headerSize));
        // A base that is not right after a header, or another address size: not a table this unit owns alone.
        if (first != (long)addrBase || addressSize != unit.Header.AddressSize)
            return new AddressPool();
        return new AddressPool(section.Span[(int)first..(int)end], addressSize);
    }

    /// <summary>Points the worker's DIE lookup at this unit: called when its rebuild starts (a skeleton's context is made before its split unit is rebuilt).</summary>
    internal void LoadDieLookup() => Scratch.DieLookup.Load(Unit.Dies, Unit.Header.End - Unit.Header.Offset);

    public DwarfUnit Unit { get; }
    public CodeAddressMap Map { get; }
    public DebugUpdateWarnings Warnings { get; }
    internal WorkerScratch Scratch { get; }
    public AddressPool Addresses { get; }

    /// <summary>The table this unit shares with others naming the same DW_AT_addr_base; null when it has one of its own.</summary>
    public SharedAddressTable? SharedAddresses { get; }

    /// <summary>Other units name the unit's input range-list contribution too: its lists get indexes of the unit's own, not the input's.</summary>
    public bool SharesRangeLists { get; init; }

    /// <summary>As <see cref="SharesRangeLists"/>, for the location-list contribution.</summary>
    public bool SharesLocationLists { get; init; }
    public UnitEncoding Encoding => Unit.Encoding;

    /// <summary>A code address named by the debug information (a scope start, a DW_OP_addr): where it went, or null when moved code has no instruction there.</summary>
    public ulong? TranslatePoint(ulong address)
    {
        if (Map.TryTranslate(new InputAddress(address), out var output))
            return output.Value;
        return null;
    }

    /// <summary>An address just past code (a return address, a scope end).</summary>
    public ulong? TranslateEnd(ulong address)
    {
        if (Map.TryTranslateEnd(new InputAddress(address), out var output))
            return output.Value;
        return null;
    }

    /// <summary>The output ranges of input ranges: sorted, merged, empty ones dropped.</summary>
    public List<AddressRange> TranslateRanges(List<AddressRange> inputRanges) =>
        TranslateRanges(inputRanges, new List<AddressRange>(inputRanges.Count + 2));

    /// <summary><see cref="TranslateRanges(List{AddressRange})"/> into <paramref name="output"/> (cleared first).</summary>
    public List<AddressRange> TranslateRanges(List<AddressRange> inputRanges, List<AddressRange> output)
    {
        output.Clear();
        foreach (var range in inputRanges)
            if (!range.IsEmpty)
                Map.TranslateRange(range, output);
        return AddressRange.NormalizeInPlace(output);
    }

    /// <summary>
    /// The output ranges of one input range, sorted and merged, into <paramref name="output"/>
    /// (cleared first); <paramref name="endOfLastCode"/> is where the output of the range's last
    /// (kept) instruction ends — the point the input range's end became, which a location view at
    /// that end belongs to (0 when no code is kept).
    /// </summary>
    public List<AddressRange> TranslateRange(AddressRange inputRange, List<AddressRange> output, out ulong endOfLastCode)
    {
        output.Clear();
        if (!inputRange.IsEmpty)
            Map.TranslateRange(inputRange, output);
        // Map.TranslateRange appends in input order: the last piece holds the last instruction.
        endOfLastCode = output.Count > 0 ? output[^1].End : 0;
        return AddressRange.NormalizeInPlace(output);
    }

    /// <summary>The DIE of this unit at a unit-relative offset.</summary>
    public int ResolveUnitOffset(ulong unitOffset, long at)
    {
        int die = Scratch.DieLookup.Find(unitOffset);
        if (die < 0)
            throw Unit.Info.Error(at, $"reference 0x{unitOffset:x} does not point at a DIE of unit 0x{Unit.Offset:x}");
        return die;
    }

    /// <summary>
    /// The unit, and the DIE's offset in it, a DW_FORM_ref_addr attribute names: the partition put that unit in this
    /// unit's bucket, so its DIE index is this thread's to read. (The units of a .dwp package are
    /// rebuilt in their skeletons' buckets; their indexes are released without giving their storage
    /// back, so reading another one's stays safe.)
    /// </summary>
    public (int Unit, uint UnitOffset) ResolveInfoOffset(ulong infoOffset, long at) => ResolveInfoOffset(infoOffset, at, inBucket: true);

    /// <summary>
    /// The unit, and the DIE's offset in it, an expression operand (DW_OP_call_ref, DW_OP_implicit_pointer, …) names by
    /// .debug_info offset. The partition reads no expressions, so the unit may be in another bucket,
    /// whose thread may release its DIE index meanwhile: another unit's DIE is looked up in a
    /// private index.
    /// </summary>
    public (int Unit, uint UnitOffset) ResolveExpressionInfoOffset(ulong infoOffset, long at) => ResolveInfoOffset(infoOffset, at, inBucket: false);

    private (int Unit, uint UnitOffset) ResolveInfoOffset(ulong infoOffset, long at, bool inBucket)
    {
        var target = Unit.File.FindUnitContaining((long)Math.Min(infoOffset, long.MaxValue), Unit.IsTypeSectionUnit);
        var dies = target is null ? null : inBucket || target == Unit ? target.Dies : Scratch.ForeignDies(target);
        ulong unitOffset = target is null ? 0 : infoOffset - (ulong)target.Offset;
        if (dies is null || dies.FindByUnitOffset(unitOffset) < 0)
            throw Unit.Info.Error(at, $"reference 0x{infoOffset:x} does not point at a DIE");
        return (target!.Index, (uint)unitOffset);
    }
}
