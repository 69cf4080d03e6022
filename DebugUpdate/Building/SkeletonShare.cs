namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// What a split unit shares with its skeleton while the two are rebuilt together: the skeleton's
/// new address table (the split unit's addrx and GNU_addr_index values index it), the skeleton's
/// output base address (the base of the split unit's lists) and, for GNU DWARF 4 split units,
/// the skeleton's .debug_ranges contribution (their DW_AT_ranges are offsets from its
/// DW_AT_GNU_ranges_base). A DWARF 5 split unit's range lists are offsets from one base, the
/// lowest address of the unit's code, so that a .dwo read without its skeleton (whose addresses
/// are then unknown) still shows which ranges overlap.
/// </summary>
public sealed class SkeletonShare(AddressPool addresses, ListWriter ranges, ulong baseAddress, ulong? lowestAddress)
{
    public AddressPool Addresses { get; } = addresses;
    public ListWriter Ranges { get; } = ranges;
    public ulong BaseAddress { get; } = baseAddress;
    public ulong? LowestAddress { get; } = lowestAddress;
}
