using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;

namespace Rewriter.DebugUpdate.Tests.Reading;

public sealed class LineAndListFixtureTests
{
    private static readonly LineStringSources NoStrings = new(default, default, null);

    [Fact]
    public void Runs_a_version_4_line_program_with_every_standard_opcode()
    {
        var line = new Bytes();
        int m = line.BeginLength();
        line.U16(4);
        int headerLength = line.BeginLength();
        line.U8(1, 1, 1).U8(unchecked((byte)-5)).U8(14, 13).U8(0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1);
        line.Str("inc").U8(0);
        line.Str("a.c").Uleb(0).Uleb(0).Uleb(0).Str("b.h").Uleb(1).Uleb(0).Uleb(0).U8(0);
        line.EndLength(headerLength);
        line.U8(0, 9, 2).U64(0x1000);           // DW_LNE_set_address
        line.U8(5, 5);                           // set_column 5
        line.U8(13 + 6);                         // special: address +0, line +1
        line.U8(0x0a);                           // set_prologue_end
        line.U8(13 + 5 + 14 * 3);                // special: address +3, line +0
        line.U8(4, 2).U8(3).Sleb(-1);            // set_file 2, advance_line -1
        line.U8(0, 2, 4, 7);                     // DW_LNE_set_discriminator 7
        line.U8(1);                              // copy
        line.U8(6, 8, 9).U16(0x10).U8(1);        // negate_stmt, const_add_pc (+17), fixed_advance_pc 16, copy
        line.U8(2, 4).U8(0, 1, 1);               // advance_pc 4, end_sequence
        line.EndLength(m);

        var table = LineTableReader.Read(new SectionView(".debug_line", line.ToArray()), 0, NoStrings);
        table.Rows.ShouldBe(
        [
            new LineRow(0x1000, 0, 1, 2, 5, 0, 0, LineRowFlags.IsStmt),
            new LineRow(0x1003, 0, 1, 2, 5, 0, 0, LineRowFlags.IsStmt | LineRowFlags.PrologueEnd),
            new LineRow(0x1003, 0, 2, 1, 5, 7, 0, LineRowFlags.IsStmt),
            new LineRow(0x1024, 0, 2, 1, 5, 0, 0, LineRowFlags.None),
            new LineRow(0x1028, 0, 2, 1, 5, 0, 0, LineRowFlags.EndSequence),
        ]);
        table.Header.FilePath(1, "/cd").ShouldBe("/cd/a.c");
        table.Header.FilePath(2, "/cd").ShouldBe("/cd/inc/b.h");
    }

    [Fact]
    public void Rejects_a_special_opcode_with_line_range_zero()
    {
        var line = new Bytes();
        int m = line.BeginLength();
        line.U16(3);
        int headerLength = line.BeginLength();
        line.U8(1, 1, 0, 0, 1).U8(0).U8(0).EndLength(headerLength);
        line.U8(0x20).EndLength(m);
        Should.Throw<DwarfFormatException>(() => LineTableReader.Read(new SectionView(".debug_line", line.ToArray()), 0, NoStrings))
            .Message.ShouldContain("line_range 0");
    }

    private static AddressTable Addresses()
    {
        var addr = new Bytes();
        int m = addr.BeginLength();
        addr.U16(5).U8(8, 0).U64(0x1000).U64(0x2000).EndLength(m);
        return new AddressTable(new SectionView(".debug_addr", addr.ToArray()), 8, 8);
    }

    [Fact]
    public void Reads_every_rnglists_entry_kind_through_the_offset_table()
    {
        var rnglists = new Bytes();
        int m = rnglists.BeginLength();
        rnglists.U16(5).U8(8, 0).U32(1).U32(4);
        rnglists.U8(1).Uleb(0).U8(4).Uleb(0).Uleb(0x10).U8(2).Uleb(0).Uleb(1).U8(3).Uleb(1).Uleb(0x10)
            .U8(5).U64(0x5000).U8(4).Uleb(1).Uleb(2).U8(6).U64(0x10).U64(0x20).U8(7).U64(0x30).Uleb(5).U8(0);
        rnglists.EndLength(m);
        var section = new SectionView(".debug_rnglists", rnglists.ToArray());
        ListTableHeader.ReadAll(section).Single().OffsetEntryCount.ShouldBe(1u);
        ulong offset = ListTableHeader.ResolveIndex(section, 12, 0, 4);
        offset.ShouldBe(16UL);
        RangeListReader.ReadRnglist(section, offset, 8, 0, Addresses()).ShouldBe(
        [
            new(0x1000, 0x1010), new(0x1000, 0x2000), new(0x2000, 0x2010), new(0x5001, 0x5002), new(0x10, 0x20), new(0x30, 0x35),
        ]);
        Should.Throw<DwarfFormatException>(() => ListTableHeader.ResolveIndex(section, 12, 99, 4));
    }

    [Fact]
    public void Reads_debug_ranges_with_base_address_selection()
    {
        var ranges = new Bytes().U64(0x10).U64(0x20).U64(ulong.MaxValue).U64(0x9000).U64(1).U64(2).U64(0).U64(0);
        RangeListReader.ReadDebugRanges(new SectionView(".debug_ranges", ranges.ToArray()), 0, 8, 0x100)
            .ShouldBe([new(0x110, 0x120), new(0x9001, 0x9002)]);
    }

    [Fact]
    public void Reads_every_loclists_entry_kind()
    {
        var loclists = new Bytes()
            .U8(5).Uleb(1).U8(0x50)
            .U8(4).Uleb(0).Uleb(4).Uleb(1).U8(0x51)
            .U8(1).Uleb(1)
            .U8(3).Uleb(0).Uleb(8).Uleb(1).U8(0x52)
            .U8(7).U64(0x10).U64(0x18).Uleb(1).U8(0x53)
            .U8(8).U64(0x20).Uleb(2).Uleb(1).U8(0x54)
            .U8(2).Uleb(0).Uleb(1).Uleb(1).U8(0x55)
            .U8(9).Uleb(1).Uleb(2)
            .U8(6).U64(0x7000).U8(4).Uleb(1).Uleb(3).Uleb(1).U8(0x56)
            .U8(0);
        var entries = LocationListReader.ReadLoclist(new SectionView(".debug_loclists", loclists.ToArray()), 0, 8, 0x4000, Addresses());
        entries.Where(e => e.Kind != LocationListEntryKind.ViewPair).Select(e => (e.Kind, e.Start, e.End, e.Expression.Span[0])).ToList().ShouldBe(
        [
            (LocationListEntryKind.Default, 0UL, 0UL, (byte)0x50),
            (LocationListEntryKind.Bounded, 0x4000UL, 0x4004UL, (byte)0x51),
            (LocationListEntryKind.Bounded, 0x1000UL, 0x1008UL, (byte)0x52),
            (LocationListEntryKind.Bounded, 0x10UL, 0x18UL, (byte)0x53),
            (LocationListEntryKind.Bounded, 0x20UL, 0x22UL, (byte)0x54),
            (LocationListEntryKind.Bounded, 0x1000UL, 0x2000UL, (byte)0x55),
            (LocationListEntryKind.Bounded, 0x7001UL, 0x7003UL, (byte)0x56),
        ]);
        entries.Count(e => e.Kind == LocationListEntryKind.ViewPair).ShouldBe(1);
    }

    [Fact]
    public void Reads_debug_loc_and_gnu_split_loc()
    {
        var loc = new Bytes().U64(0x10).U64(0x20).U16(1).U8(0x50).U64(ulong.MaxValue).U64(0x9000).U64(0).U64(4).U16(1).U8(0x51).U64(0).U64(0);
        LocationListReader.ReadDebugLoc(new SectionView(".debug_loc", loc.ToArray()), 0, 8, 0x100)
            .Select(e => (e.Start, e.End)).ShouldBe([(0x110UL, 0x120UL), (0x9000UL, 0x9004UL)]);

        var split = new Bytes().U8(1).Uleb(1).U8(4).U32(0).U32(4).U16(1).U8(0x50)
            .U8(2).Uleb(0).Uleb(1).U16(1).U8(0x51).U8(3).Uleb(0).U32(8).U16(1).U8(0x52).U8(0);
        LocationListReader.ReadGnuSplitLoc(new SectionView(".debug_loc.dwo", split.ToArray()), 0, 0, Addresses())
            .Select(e => (e.Start, e.End)).ShouldBe([(0x2000UL, 0x2004UL), (0x1000UL, 0x2000UL), (0x1000UL, 0x1008UL)]);
    }
}
