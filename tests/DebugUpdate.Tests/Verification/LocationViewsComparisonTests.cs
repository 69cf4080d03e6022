using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Verification;

namespace Rewriter.DebugUpdate.Tests.Verification;

/// <summary>
/// Location views compared through a layout that drops padding: blocks P [0x100, 0x108) and
/// Q [0x108, 0x110), padding [0x110, 0x120) that nothing reaches, R [0x120, 0x128). P stays hot at
/// 0x1000; the cold fragment holds R at 0x2000, then Q at 0x2008, so the dropped padding maps to
/// 0x2008, where Q (the middle of the first entry) now begins.
/// </summary>
public sealed class LocationViewsComparisonTests
{
    private static readonly CodeAddressMap Map = new(
        [0x100, 0x108, 0x110, 0x120],
        [0x1000, 0x2008, 0x2008, 0x2000],
        [0x1008, 0x2010, 0x2008, 0x2008],
        [new CodeAddressMap.Fragment(0x100, 0x128, 0x1000, 0x8), new CodeAddressMap.Fragment(0x100, 0x128, 0x2000, 0x10, IsCold: true)]);

    private static readonly ReadOnlyMemory<byte> Reg0 = new byte[] { 0x50 }, Reg1 = new byte[] { 0x51 };

    // Entry 1 covers P and Q (begin view 2, end view 1); entry 2 begins in the padding at view 1.
    private static readonly List<LocationListEntry> Original =
        [new(LocationListEntryKind.Bounded, 0x100, 0x110, Reg0), new(LocationListEntryKind.Bounded, 0x110, 0x128, Reg1)];
    private static readonly List<(ulong Begin, ulong End)> OriginalViews = [(2, 1), (1, 0)];

    private static readonly List<LocationListEntry> Rewritten =
    [
        new(LocationListEntryKind.Bounded, 0x1000, 0x1008, Reg0),
        new(LocationListEntryKind.Bounded, 0x2008, 0x2010, Reg0),
        new(LocationListEntryKind.Bounded, 0x2000, 0x2008, Reg1),
    ];

    private static string? Compare(List<(ulong Begin, ulong End)> rewrittenViews)
    {
        var mapping = new AddressMapping(Map);
        return new LocationListComparer(mapping, new ExpressionComparer(mapping)).CompareViews(Original, OriginalViews, Rewritten, rewrittenViews);
    }

    [Fact]
    public void An_entry_that_began_in_dropped_padding_gives_its_begin_view_to_no_other_piece() =>
        // Q's piece is a new cut (view 0) even though the padding's address maps to its start.
        Compare([(2, 0), (0, 1), (0, 0)]).ShouldBeNull();

    [Fact]
    public void The_begin_view_of_the_entry_in_the_padding_on_another_piece_is_a_difference() =>
        Compare([(2, 0), (1, 1), (0, 0)]).ShouldNotBeNull().ShouldContain("expected (0, 1)");

    [Fact]
    public void A_kept_entry_start_keeps_its_begin_view() =>
        Compare([(0, 0), (0, 1), (0, 0)]).ShouldNotBeNull().ShouldContain("expected (2, 0)");
}
