using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Tests.Building;

/// <summary>
/// A unit's new address table starts as its input table, translated: what names an untouched
/// address by index can keep the index, and so be copied as it was.
/// </summary>
public sealed class AddressIndexTests
{
    // Input table: 0x1000, 0x2000, 0x1000 (gcc writes a value twice).
    private static AddressPool Seeded() => new([0x00, 0x10, 0, 0, 0, 0, 0, 0, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0x00, 0x10, 0, 0, 0, 0, 0, 0], 8);

    [Fact]
    public void A_seeded_table_starts_as_a_copy_of_the_input_table()
    {
        var pool = Seeded();
        pool.Values.ShouldBe([0x1000UL, 0x2000, 0x1000]);
        pool.Keeps(0).ShouldBeTrue();
        pool.Keeps(2).ShouldBeTrue();
        pool.Keeps(3).ShouldBeFalse(); // past the input table
        new AddressPool().Keeps(0).ShouldBeFalse();
    }

    [Fact]
    public void A_value_named_by_an_input_index_keeps_that_index_while_it_holds_the_value()
    {
        var pool = Seeded();
        pool.IndexFor(2, 0x1000).ShouldBe(2);
        pool.IndexOf(0x1000).ShouldBe(0);
        pool.IndexFor(1, 0x2000).ShouldBe(1);
        pool.IndexFor(1, 0x3000).ShouldBe(3); // the address moved: its new value is added
        pool.IndexOf(0x3000).ShouldBe(3);
        pool.Values.ShouldBe([0x1000UL, 0x2000, 0x1000, 0x3000]);
    }

    [Fact]
    public void A_list_is_copyable_only_when_every_index_it_names_is_kept()
    {
        // base_addressx 1, offset_pair 0..4, startx_length 2 len 8, end
        byte[] ranges = [(byte)DwRle.BaseAddressx, 1, (byte)DwRle.OffsetPair, 0, 4, (byte)DwRle.StartxLength, 2, 8, (byte)DwRle.EndOfList];
        ListAddressIndexes.All(ranges, isLocation: false, 8, index => index is 1 or 2).ShouldBeTrue();
        ListAddressIndexes.All(ranges, isLocation: false, 8, index => index is 1).ShouldBeFalse();
        ListAddressIndexes.All(ranges, isLocation: false, 8, index => index is 2).ShouldBeFalse();

        // startx_length 5 len 3 expr [DW_OP_reg0], default_location expr [], end
        byte[] locations = [(byte)DwLle.StartxLength, 5, 3, 1, 0x50, (byte)DwLle.DefaultLocation, 0, (byte)DwLle.EndOfList];
        ListAddressIndexes.All(locations, isLocation: true, 8, index => index == 5).ShouldBeTrue();
        ListAddressIndexes.All(locations, isLocation: true, 8, _ => false).ShouldBeFalse();
    }
}
