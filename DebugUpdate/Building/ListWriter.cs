using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// Writes one unit's range lists and location lists: DWARF 2–4 into its .debug_ranges/.debug_loc
/// contribution (entries relative to the unit's base address), DWARF 5 into the body of its
/// .debug_rnglists/.debug_loclists contribution (start/length entries), with an offset table for
/// the rnglistx/loclistx forms. A split unit's entries name addresses by index into the
/// skeleton's address table, as a .dwo has no relocations: a range list is a base_addressx and
/// offset pairs, a location list startx_length entries (gdb 13 drops the base of offset pairs in
/// .dwo location lists), GNU start_length ones in a DWARF 4 .debug_loc.dwo.
/// </summary>
/// <param name="splitListBase">for a DWARF 5 split unit, the base of its range lists: the lowest address of its code</param>
/// <param name="inputIndexes">
/// how many lists the input contribution's offset table indexes: a list the input named by index
/// keeps that index (so a DIE naming it can be copied as it was); new ones are indexed after them
/// </param>
/// <param name="sizeHint">about how many bytes the lists take (the body's first storage, from the shared pool)</param>
public sealed class ListWriter(UnitRewriteContext context, ulong? splitListBase = null, int inputIndexes = 0, int sizeHint = 256)
{
    /// <summary>The index of a list named by offset: it has none.</summary>
    public const int ByOffset = -2;
    /// <summary>The index of a list named by index that the input did not name so: the next after the input's.</summary>
    public const int NewIndex = -1;

    private readonly bool _dwarf5 = context.Encoding.Version >= 5;
    private readonly bool _split = context.Unit.IsSplit;
    private readonly int _addressSize = context.Encoding.AddressSize;
    private readonly List<int> _listOffsets = [];
    private readonly ByteWriter _expression = new(64);
    private readonly List<DieReference> _expressionReferences = [];
    private readonly List<AddressRange> _bounded = [];

    /// <summary>List bytes: the whole contribution (DWARF 4) or the body after the offset table (DWARF 5).</summary>
    public ByteWriter Body { get; } = ByteWriter.FromPool(sizeHint);

    /// <summary>DIE references inside the location expressions of <see cref="Body"/>.</summary>
    public List<DieReference> References { get; } = [];

    /// <summary>How many lists were written.</summary>
    public int ListCount { get; private set; }

    /// <summary>True when a list the input named by <paramref name="inputIndex"/> keeps that index here.</summary>
    public bool KeepsIndex(ulong inputIndex) => inputIndex < (ulong)inputIndexes;

    /// <summary>
    /// Writes a range list; returns its offset in <see cref="Body"/> and its index in the offset
    /// table (-1 for a list named by offset: only lists named by index are in the table).
    /// </summary>
    /// <param name="index"><see cref="ByOffset"/>, <see cref="NewIndex"/>, or the index the input named the list by</param>
    public (int Offset, int Index) WriteRanges(List<AddressRange> ranges, ulong baseAddress, int index)
    {
        int offset;
        (offset, index) = Begin(index);
        if (_dwarf5)
        {
            if (_split && ranges.Count > 0)
            {
                // A base from the address table and offsets from it, as compilers write a split
                // unit's ranges; one base for the whole unit, so that a .dwo read alone (its
                // addresses unknown) still shows which ranges overlap.
                ulong lowest = ranges.Min(r => r.Start);
                if (splitListBase is { } unitBase && unitBase <= lowest)
                    lowest = unitBase;
                Body.WriteU8((byte)DwRle.BaseAddressx);
                Body.WriteUleb((ulong)context.Addresses.IndexOf(lowest));
                foreach (var range in ranges)
                {
                    Body.WriteU8((byte)DwRle.OffsetPair);
                    Body.WriteUleb(range.Start - lowest);
                    Body.WriteUleb(range.End - lowest);
                }
            }
            else
            {
                foreach (var range in ranges)
                {
                    Body.WriteU8((byte)DwRle.StartLength);
                    Body.WriteUnsigned(range.Start, _addressSize);
                    Body.WriteUleb(range.Length);
                }
            }
            Body.WriteU8((byte)DwRle.EndOfList);
        }
        else
        {
            ulong usedBase = StartPairs(ranges, baseAddress);
            foreach (var range in ranges)
            {
                Body.WriteUnsigned(range.Start - usedBase, _addressSize);
                Body.WriteUnsigned(range.End - usedBase, _addressSize);
            }
            Body.WriteUnsigned(0, _addressSize);
            Body.WriteUnsigned(0, _addressSize);
        }
        return (offset, index);
    }

    /// <summary>
    /// Writes a location list whose entries are already translated; expressions are rewritten here.
    /// With <paramref name="views"/> (gcc's DW_AT_GNU_locviews), a view pair per bounded entry is
    /// written just before the list; its offset is returned (-1 without views).
    /// </summary>
    public (int Offset, int Index, int ViewsOffset) WriteLocations(List<(LocationListEntryKind Kind, AddressRange Range, ReadOnlyMemory<byte> Expression, long ExpressionOffset)> entries,
        SectionView source, ulong baseAddress, int index, List<(ulong Begin, ulong End)>? views = null)
    {
        int viewsOffset = WriteViews(views);
        int offset;
        (offset, index) = Begin(index);
        var expression = _expression;
        var expressionReferences = _expressionReferences;
        ulong usedBase = 0;
        if (!_dwarf5 && !_split)
        {
            _bounded.Clear();
            foreach (var entry in entries)
                if (entry.Kind == LocationListEntryKind.Bounded)
                    _bounded.Add(entry.Range);
            usedBase = StartPairs(_bounded, baseAddress);
        }
        foreach (var entry in entries)
        {
            expression.Clear();
            expressionReferences.Clear();
            ExpressionRewriter.Rewrite(context, entry.Expression.Span, source, entry.ExpressionOffset, expression, expressionReferences);
            if (_dwarf5)
            {
                if (entry.Kind == LocationListEntryKind.Default)
                    Body.WriteU8((byte)DwLle.DefaultLocation);
                else if (_split)
                {
                    Body.WriteU8((byte)DwLle.StartxLength);
                    Body.WriteUleb((ulong)context.Addresses.IndexOf(entry.Range.Start));
                    Body.WriteUleb(entry.Range.Length);
                }
                else
                {
                    Body.WriteU8((byte)DwLle.StartLength);
                    Body.WriteUnsigned(entry.Range.Start, _addressSize);
                    Body.WriteUleb(entry.Range.Length);
                }
                Body.WriteUleb((ulong)expression.Position);
            }
            else if (_split)
            {
                if (entry.Range.Length > uint.MaxValue)
                    throw new InvalidOperationException("a location range grew past the 4 GiB a .debug_loc.dwo entry can hold");
                Body.WriteU8((byte)GnuSplitLle.StartLength);
                Body.WriteUleb((ulong)context.Addresses.IndexOf(entry.Range.Start));
                Body.WriteU32((uint)entry.Range.Length);
                if (expression.Position > ushort.MaxValue)
                    throw new InvalidOperationException("a location expression grew past the 64 KiB a .debug_loc.dwo entry can hold");
                Body.WriteU16((ushort)expression.Position);
            }
            else
            {
                Body.WriteUnsigned(entry.Range.Start - usedBase, _addressSize);
                Body.WriteUnsigned(entry.Range.End - usedBase, _addressSize);
                if (expression.Position > ushort.MaxValue)
                    throw new InvalidOperationException("a location expression grew past the 64 KiB a .debug_loc entry can hold");
                Body.WriteU16((ushort)expression.Position);
            }
            int at = Body.Position;
            Body.WriteBytes(expression.WrittenSpan);
            foreach (var reference in expressionReferences)
                References.Add(reference with { Position = reference.Position + at });
        }
        if (_dwarf5)
            Body.WriteU8((byte)DwLle.EndOfList);
        else if (_split)
            Body.WriteU8((byte)GnuSplitLle.EndOfList);
        else
        {
            Body.WriteUnsigned(0, _addressSize);
            Body.WriteUnsigned(0, _addressSize);
        }
        return (offset, index, viewsOffset);
    }

    /// <summary>
    /// Copies a location list of code that did not move as it was: entries relative to a base
    /// address the unit keeps, absolute addresses that stay, expressions that name no address and
    /// no DIE. With <paramref name="views"/>, its view pairs are written just before it.
    /// </summary>
    public (int Offset, int Index, int ViewsOffset) CopyLocations(ReadOnlySpan<byte> list, int index, List<(ulong Begin, ulong End)>? views)
    {
        int viewsOffset = WriteViews(views);
        int offset;
        (offset, index) = Begin(index);
        Body.WriteBytes(list);
        return (offset, index, viewsOffset);
    }

    /// <summary>Copies a range list of code that stayed as it was (see <see cref="CopyLocations"/>).</summary>
    public (int Offset, int Index) CopyRanges(ReadOnlySpan<byte> list, int index)
    {
        var result = Begin(index);
        Body.WriteBytes(list);
        return result;
    }

    /// <summary>gcc's view pairs (DW_AT_GNU_locviews), one per bounded entry; their offset, or -1 without.</summary>
    private int WriteViews(List<(ulong Begin, ulong End)>? views)
    {
        if (views is null)
            return -1;
        int viewsOffset = Body.Position;
        foreach (var (begin, end) in views)
        {
            Body.WriteUleb(begin);
            Body.WriteUleb(end);
        }
        return viewsOffset;
    }

    private (int Offset, int Index) Begin(int index)
    {
        int offset = Body.Position;
        ListCount++;
        if (index == ByOffset || !_dwarf5)
            return (offset, -1);
        // The input's indexes first (a slot no list fills names an empty one), new ones after them.
        if (_listOffsets.Count < inputIndexes)
            _listOffsets.AddRange(Enumerable.Repeat(Unfilled, inputIndexes - _listOffsets.Count));
        if (index >= 0 && index < inputIndexes)
        {
            _listOffsets[index] = offset;
            return (offset, index);
        }
        _listOffsets.Add(offset);
        return (offset, _listOffsets.Count - 1);
    }

    private const int Unfilled = -1;

    // DWARF 2–4 entries are offsets from the unit's base address; one below it needs a base
    // address selection entry first.
    private ulong StartPairs(List<AddressRange> ranges, ulong baseAddress)
    {
        bool fits = true;
        foreach (var r in ranges)
            fits &= r.Start >= baseAddress && r.End >= baseAddress && !(r.Start == baseAddress && r.End == baseAddress);
        if (fits)
            return baseAddress;
        Body.WriteUnsigned(_addressSize == 8 ? ulong.MaxValue : (1UL << (_addressSize * 8)) - 1, _addressSize);
        Body.WriteUnsigned(0, _addressSize);
        return 0;
    }

    /// <summary>
    /// The DWARF 5 contribution: header, offset table, body. Returns the contribution and where its
    /// body starts (what a body offset must be shifted by).
    /// </summary>
    public (ByteWriter Contribution, int BodyStart) FinishDwarf5(bool withOffsetTable)
    {
        int offsetSize = context.Encoding.OffsetSize;
        var contribution = ByteWriter.FromPool(Body.Position + 32 + _listOffsets.Count * offsetSize);
        int lengthAt = WriteInitialLength(contribution, offsetSize);
        contribution.WriteU16(5);
        contribution.WriteU8((byte)_addressSize);
        contribution.WriteU8(0);
        int count = withOffsetTable ? _listOffsets.Count : 0;
        contribution.WriteU32((uint)count);
        int tableSize = count * offsetSize;
        // An index of the input no list took (its DIE lost its code) names an empty list after the body.
        int emptyList = Body.Position;
        bool needsEmptyList = false;
        foreach (var offset in withOffsetTable ? _listOffsets : [])
        {
            needsEmptyList |= offset == Unfilled;
            contribution.WriteUnsigned((ulong)((offset == Unfilled ? emptyList : offset) + tableSize), offsetSize);
        }
        int bodyStart = contribution.Position;
        contribution.WriteBytes(Body.WrittenSpan);
        if (needsEmptyList)
            contribution.WriteU8(0); // DW_RLE_end_of_list, DW_LLE_end_of_list
        // The body is in the contribution now: its storage serves the next unit.
        Body.ReturnToPool();
        PatchInitialLength(contribution, lengthAt, offsetSize);
        return (contribution, bodyStart);
    }

    public static int WriteInitialLength(ByteWriter writer, int offsetSize)
    {
        if (offsetSize == 8)
        {
            writer.WriteU32(0xffff_ffff);
            return writer.Reserve(8);
        }
        return writer.Reserve(4);
    }

    public static void PatchInitialLength(ByteWriter writer, int lengthAt, int offsetSize) =>
        writer.Patch(lengthAt, (ulong)(writer.Position - lengthAt - offsetSize), offsetSize);
}
