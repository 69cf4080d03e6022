using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Packaging;

/// <summary>A unit of a package: its signature (dwo_id or type signature) and its contribution to each section.</summary>
internal sealed record PackageRow(ulong Signature, IReadOnlyDictionary<DwSect, (uint Offset, uint Size)> Contributions);

/// <summary>
/// Writes a new .debug_cu_index or .debug_tu_index (DWARF 5 §7.3.5.3; version 2 is the GNU DWARF 4
/// form; <see cref="PackageIndexRewriter"/> updates an input's instead): header, the open-addressing hash table of signatures (more than 3/2 as many slots as
/// rows, a power of two, as llvm-dwp sizes it), the column ids, then every row's offsets and sizes.
/// </summary>
internal static class PackageIndexWriter
{
    public static ReadOnlyMemory<byte> Write(int version, IReadOnlyList<DwSect> columns, IReadOnlyList<PackageRow> rows)
    {
        int slotCount = 1;
        while (slotCount <= 3 * rows.Count / 2)
            slotCount <<= 1;
        var slots = new int[slotCount]; // row number + 1; 0 is an empty slot
        ulong mask = (ulong)slotCount - 1;
        for (int r = 0; r < rows.Count; r++)
        {
            ulong signature = rows[r].Signature;
            ulong slot = signature & mask, step = ((signature >> 32) & mask) | 1;
            while (slots[slot] != 0)
                slot = (slot + step) & mask;
            slots[slot] = r + 1;
        }

        var output = new ByteWriter(16 + slotCount * 12 + columns.Count * 4 + rows.Count * columns.Count * 8);
        output.WriteU32((uint)version);
        output.WriteU32((uint)columns.Count);
        output.WriteU32((uint)rows.Count);
        output.WriteU32((uint)slotCount);
        foreach (int row in slots)
            output.WriteU64(row == 0 ? 0 : rows[row - 1].Signature);
        foreach (int row in slots)
            output.WriteU32((uint)row);
        foreach (var column in columns)
            output.WriteU32(OnDiskId(column, version));
        foreach (var row in rows)
            foreach (var column in columns)
                output.WriteU32(row.Contributions.TryGetValue(column, out var contribution) ? contribution.Offset : 0);
        foreach (var row in rows)
            foreach (var column in columns)
                output.WriteU32(row.Contributions.TryGetValue(column, out var contribution) ? contribution.Size : 0);
        return output.Written;
    }

    /// <summary>The section identifier as the index version writes it (version 2 numbers loc, macinfo and macro its own way).</summary>
    public static uint OnDiskId(DwSect section, int version) => (version, section) switch
    {
        (2, DwSect.Loc) => 5,
        (2, DwSect.Macinfo) => 7,
        (2, DwSect.Macro) => 8,
        _ => (uint)section,
    };
}
