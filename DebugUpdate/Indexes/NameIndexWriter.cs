using System.Text;
using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Merging;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Indexes;

/// <summary>
/// Merges the units' names into one .debug_names index (DWARF 5 §6.1.1.4): CU list, local TU list,
/// foreign TU list (the type units of split files, by signature), hash table, name table,
/// abbreviations and entry pool. Everything is ordered by stable keys —
/// names by bucket, hash and text, a name's entries by unit and DIE order, abbreviations by first
/// use — so the bytes do not depend on how the units were collected.
/// </summary>
public static class NameIndexWriter
{
    private const byte DwFormFlagPresent = 0x19, DwFormRef4 = 0x13;

    /// <summary>One name of one DIE, as sorted.</summary>
    private readonly record struct Item(uint Hash, ulong String, int Unit, int Name);

    private enum ParentKind : byte { Unknown, NotIndexed, Indexed }

    private enum UnitKind : byte { Compile, LocalType, ForeignType }

    /// <param name="units">per input unit, its names, or null when the index does not cover it</param>
    /// <param name="foreign">the foreign type units' names, in the order the index lists them</param>
    /// <param name="unitOffsets">each unit's offset in the output .debug_info</param>
    /// <param name="strings">the input .debug_str (the names point into it)</param>
    /// <param name="addedStrings">where names .debug_str lacks go (after it)</param>
    public static ReadOnlyMemory<byte> Write(
        IReadOnlyList<UnitNames?> programUnits, IReadOnlyList<UnitNames> foreign, ulong[] unitOffsets, ReadOnlyMemory<byte> strings,
        string augmentation, AddedStrings addedStrings)
    {
        // Units by number here: the program's (by unit index), then the foreign type units.
        var units = new UnitNames?[programUnits.Count + foreign.Count];
        for (int u = 0; u < programUnits.Count; u++)
            units[u] = programUnits[u];
        for (int f = 0; f < foreign.Count; f++)
            units[programUnits.Count + f] = foreign[f];
        var unitNumber = new int[units.Length];
        var compileUnits = new List<int>();
        var typeUnits = new List<int>();
        for (int u = 0; u < programUnits.Count; u++)
        {
            if (units[u] is not { } names)
                continue;
            var list = names.IsTypeUnit ? typeUnits : compileUnits;
            unitNumber[u] = list.Count;
            list.Add(u);
        }
        // DW_IDX_type_unit numbers the local type units, then the foreign ones.
        for (int f = 0; f < foreign.Count; f++)
            unitNumber[programUnits.Count + f] = typeUnits.Count + f;
        UnitKind KindOf(UnitNames names) => names.ForeignSignature is not null ? UnitKind.ForeignType : names.IsTypeUnit ? UnitKind.LocalType : UnitKind.Compile;

        var items = new List<Item>();
        for (int u = 0; u < units.Length; u++)
        {
            if (units[u] is not { } names)
                continue;
            for (int n = 0; n < names.Names.Length; n++)
            {
                var name = names.Names[n];
                ulong offset = name.Added ? addedStrings.OffsetOf(names.AddedStrings[(int)name.String]) : name.String;
                items.Add(new Item(name.Hash, offset, u, n));
            }
        }
        var added = addedStrings.Bytes;

        uint bucketCount = BucketCount(items);
        var text = new NameText(strings, added);
        items.Sort((a, b) =>
        {
            int c = (a.Hash % bucketCount).CompareTo(b.Hash % bucketCount);
            if (c == 0) c = a.Hash.CompareTo(b.Hash);
            if (c == 0 && a.String != b.String) c = text[a.String].SequenceCompareTo(text[b.String]);
            if (c == 0) c = a.Unit.CompareTo(b.Unit);
            return c != 0 ? c : a.Name.CompareTo(b.Name);
        });

        bool dwarf64 = (ulong)strings.Length + (ulong)added.Length > uint.MaxValue
            || unitOffsets.Any(o => o > uint.MaxValue);
        int offsetSize = dwarf64 ? 8 : 4;
        int cuForm = compileUnits.Count > 1 ? UnitIndexSize(compileUnits.Count) : 0;
        int tuForm = typeUnits.Count + foreign.Count > 0 ? UnitIndexSize(typeUnits.Count + foreign.Count) : 0;

        // The entry pool, name by name; DW_IDX_parent points at the parent's first entry, patched once all are placed.
        var pool = new ByteWriter(items.Count * 8 + 16);
        var abbreviations = new Dictionary<(DwTag, UnitKind, ParentKind), ulong>();
        var abbreviationOrder = new List<(DwTag Tag, UnitKind Unit, ParentKind Parent)>();
        var firstEntry = new int[units.Length][];
        for (int u = 0; u < units.Length; u++)
            if (units[u] is { } names)
                Array.Fill(firstEntry[u] = new int[names.Dies.Length], -1);
        var parentSlots = new List<(int Position, int Unit, int Die)>();
        var nameStrings = new List<ulong>();
        var nameHashes = new List<uint>();
        var nameEntries = new List<int>();
        for (int i = 0; i < items.Count;)
        {
            var first = items[i];
            var nameText = text[first.String];
            nameStrings.Add(first.String);
            nameHashes.Add(first.Hash);
            nameEntries.Add(pool.Position);
            int lastUnit = -1, lastDie = -1;
            for (; i < items.Count && items[i].Hash == first.Hash && (items[i].String == first.String || text[items[i].String].SequenceEqual(nameText)); i++)
            {
                var item = items[i];
                var names = units[item.Unit]!;
                int dieOrdinal = names.Names[item.Name].Die;
                if (item.Unit == lastUnit && dieOrdinal == lastDie)
                    continue; // a name and a linkage name that are the same text
                (lastUnit, lastDie) = (item.Unit, dieOrdinal);
                var die = names.Dies[dieOrdinal];
                var parent = die.Parent >= 0 ? ParentKind.Indexed : die.Parent == UnitNames.ParentNotIndexed ? ParentKind.NotIndexed : ParentKind.Unknown;
                var kind = KindOf(names);
                var key = (die.Tag, kind, parent);
                if (!abbreviations.TryGetValue(key, out ulong code))
                {
                    abbreviationOrder.Add(key);
                    abbreviations.Add(key, code = (ulong)abbreviationOrder.Count);
                }
                if (firstEntry[item.Unit][dieOrdinal] < 0)
                    firstEntry[item.Unit][dieOrdinal] = pool.Position;
                pool.WriteUleb(code);
                int unitForm = kind == UnitKind.Compile ? cuForm : tuForm;
                if (unitForm > 0)
                    pool.WriteUnsigned((ulong)unitNumber[item.Unit], unitForm);
                // A foreign type unit is found through the .dwo of the compile unit it came with.
                if (kind == UnitKind.ForeignType && cuForm > 0)
                    pool.WriteUnsigned((ulong)unitNumber[names.UnitIndex], cuForm);
                pool.WriteU32(die.OutputOffset);
                if (parent == ParentKind.Indexed)
                    parentSlots.Add((pool.Reserve(4), item.Unit, die.Parent));
            }
            pool.WriteU8(0);
        }
        foreach (var (position, unit, die) in parentSlots)
        {
            int target = firstEntry[unit][die];
            if (target < 0)
                throw new InvalidOperationException($"the indexed parent {die} of unit {unit} has no entry");
            pool.Patch(position, (ulong)target, 4);
        }

        var abbreviationTable = new ByteWriter(abbreviationOrder.Count * 8 + 1);
        for (int a = 0; a < abbreviationOrder.Count; a++)
        {
            var (tag, kind, parent) = abbreviationOrder[a];
            abbreviationTable.WriteUleb((ulong)(a + 1));
            abbreviationTable.WriteUleb((ulong)tag);
            int unitForm = kind == UnitKind.Compile ? cuForm : tuForm;
            if (unitForm > 0)
            {
                abbreviationTable.WriteUleb((ulong)(kind == UnitKind.Compile ? DwIdx.CompileUnit : DwIdx.TypeUnit));
                abbreviationTable.WriteUleb((ulong)DataForm(unitForm));
            }
            if (kind == UnitKind.ForeignType && cuForm > 0)
            {
                abbreviationTable.WriteUleb((ulong)DwIdx.CompileUnit);
                abbreviationTable.WriteUleb((ulong)DataForm(cuForm));
            }
            abbreviationTable.WriteUleb((ulong)DwIdx.DieOffset);
            abbreviationTable.WriteUleb(DwFormRef4);
            if (parent != ParentKind.Unknown)
            {
                abbreviationTable.WriteUleb((ulong)DwIdx.Parent);
                abbreviationTable.WriteUleb(parent == ParentKind.Indexed ? DwFormRef4 : DwFormFlagPresent);
            }
            abbreviationTable.WriteU16(0);
        }
        abbreviationTable.WriteU8(0);

        var augmentationBytes = Encoding.ASCII.GetBytes(augmentation);
        int augmentationSize = (augmentationBytes.Length + 3) & ~3;
        var index = new ByteWriter(64 + pool.Position + abbreviationTable.Position + nameStrings.Count * (4 + 2 * offsetSize)
            + (compileUnits.Count + typeUnits.Count) * offsetSize + foreign.Count * 8 + (int)bucketCount * 4);
        int lengthAt = ListWriter.WriteInitialLength(index, offsetSize);
        index.WriteU16(5);
        index.WriteU16(0);
        index.WriteU32((uint)compileUnits.Count);
        index.WriteU32((uint)typeUnits.Count);
        index.WriteU32((uint)foreign.Count);
        index.WriteU32(bucketCount);
        index.WriteU32((uint)nameStrings.Count);
        index.WriteU32((uint)abbreviationTable.Position);
        index.WriteU32((uint)augmentationSize);
        index.WriteBytes(augmentationBytes);
        index.Reserve(augmentationSize - augmentationBytes.Length);
        foreach (int u in compileUnits)
            index.WriteUnsigned(unitOffsets[u], offsetSize);
        foreach (int u in typeUnits)
            index.WriteUnsigned(unitOffsets[u], offsetSize);
        foreach (var typeUnit in foreign)
            index.WriteU64(typeUnit.ForeignSignature!.Value);
        if (bucketCount > 0)
        {
            // Each bucket holds the 1-based index of its first name; names of a bucket are consecutive.
            var buckets = new uint[bucketCount];
            for (int n = nameHashes.Count - 1; n >= 0; n--)
                buckets[nameHashes[n] % bucketCount] = (uint)(n + 1);
            foreach (uint bucket in buckets)
                index.WriteU32(bucket);
            foreach (uint hash in nameHashes)
                index.WriteU32(hash);
        }
        foreach (ulong offset in nameStrings)
            index.WriteUnsigned(offset, offsetSize);
        foreach (int offset in nameEntries)
            index.WriteUnsigned((ulong)offset, offsetSize);
        index.WriteBytes(abbreviationTable.WrittenSpan);
        index.WriteBytes(pool.WrittenSpan);
        ListWriter.PatchInitialLength(index, lengthAt, offsetSize);
        return index.Written;
    }

    /// <summary>LLVM's choice (and so what readers are tuned for): about one bucket per two distinct hashes, one per four beyond 1024.</summary>
    private static uint BucketCount(List<Item> items)
    {
        var hashes = new HashSet<uint>();
        foreach (var item in items)
            hashes.Add(item.Hash);
        int count = hashes.Count;
        return (uint)(count > 1024 ? count / 4 : count > 16 ? count / 2 : count);
    }

    private static int UnitIndexSize(int count) => count <= 0x100 ? 1 : count <= 0x10000 ? 2 : 4;

    private static DwForm DataForm(int size) => size switch { 1 => DwForm.Data1, 2 => DwForm.Data2, _ => DwForm.Data4 };

    /// <summary>The text of a name by its final .debug_str offset (input strings, then the added ones).</summary>
    private sealed class NameText(ReadOnlyMemory<byte> strings, ReadOnlyMemory<byte> added)
    {
        public ReadOnlySpan<byte> this[ulong offset]
        {
            get
            {
                var section = offset < (ulong)strings.Length ? strings.Span[(int)offset..] : added.Span[(int)(offset - (ulong)strings.Length)..];
                int end = section.IndexOf((byte)0);
                return end < 0 ? section : section[..end];
            }
        }
    }
}
