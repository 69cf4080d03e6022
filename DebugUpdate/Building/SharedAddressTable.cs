using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// One DWARF 5 .debug_addr table that several units name by the same DW_AT_addr_base (clang -flto
/// writes one for all the units of a partition). It stays one table: the units, in one bucket,
/// rebuilt one after another, share one pool (each adds the addresses of its moved code), and the
/// first of them contributes the table, written once the bucket's last unit is done; the others'
/// addr_base names that contribution. A table per unit would repeat the whole input table in each.
/// </summary>
/// <param name="owner">the unit whose contribution holds the table: the first naming it</param>
public sealed class SharedAddressTable(DwarfUnit owner)
{
    /// <summary>The addresses of the table, seeded from the input's.</summary>
    public AddressPool Pool { get; } = UnitRewriteContext.SeededAddressPool(owner);

    public int OwnerUnit => owner.Index;

    /// <summary>The owner's contribution: filled by <see cref="Write"/>.</summary>
    public ByteWriter Table { get; } = new(256);

    /// <summary>Writes the table with every address the units added; called once all of them are rebuilt.</summary>
    public void Write() => UnitRewriter.WriteAddressTable(Table, Pool, dwarf5: true, owner.Header.AddressSize, owner.Header.OffsetSize);
}
