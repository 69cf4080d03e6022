using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Tests.Reading;

public sealed class DwarfCursorTests
{
    [Theory]
    [InlineData(new byte[] { 0x02 }, 2UL)]
    [InlineData(new byte[] { 0x7f }, 127UL)]
    [InlineData(new byte[] { 0x80, 0x01 }, 128UL)]
    [InlineData(new byte[] { 0xe5, 0x8e, 0x26 }, 624485UL)]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, ulong.MaxValue)]
    public void Reads_uleb(byte[] bytes, ulong expected)
    {
        var cursor = new DwarfCursor(bytes, ".debug_info");
        cursor.ReadUleb().ShouldBe(expected);
        cursor.AtEnd.ShouldBeTrue();
    }

    [Theory]
    [InlineData(new byte[] { 0x02 }, 2L)]
    [InlineData(new byte[] { 0x7e }, -2L)]
    [InlineData(new byte[] { 0xff, 0x00 }, 127L)]
    [InlineData(new byte[] { 0x81, 0x7f }, -127L)]
    [InlineData(new byte[] { 0xc0, 0xbb, 0x78 }, -123456L)]
    public void Reads_sleb(byte[] bytes, long expected)
    {
        var cursor = new DwarfCursor(bytes, ".debug_info");
        cursor.ReadSleb().ShouldBe(expected);
    }

    [Fact]
    public void Reads_fixed_sizes_little_endian()
    {
        byte[] bytes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
        var cursor = new DwarfCursor(bytes, ".debug_info");
        cursor.ReadU8().ShouldBe((byte)1);
        cursor.ReadU16().ShouldBe((ushort)0x0302);
        cursor.ReadU24().ShouldBe(0x060504u);
        cursor.ReadFixed(3).ShouldBe(0x090807UL); // tail path: fewer than 8 bytes left
        cursor.ReadU16().ShouldBe((ushort)0x0b0a);
        cursor.AtEnd.ShouldBeTrue();
    }

    [Fact]
    public void Reads_initial_length_of_both_formats()
    {
        byte[] dwarf64 = [0xff, 0xff, 0xff, 0xff, 0x10, 0, 0, 0, 0, 0, 0, 0];
        var cursor = new DwarfCursor(dwarf64, ".debug_info");
        cursor.ReadInitialLength(out int size).ShouldBe(0x10UL);
        size.ShouldBe(8);
        Should.Throw<DwarfFormatException>(() => new DwarfCursor(new byte[] { 0xf0, 0xff, 0xff, 0xff }, ".debug_line").ReadInitialLength(out _)).Message.ShouldBe(".debug_line+0x0: reserved initial length value 0xfffffff0");
    }

    [Fact]
    public void Short_reads_name_section_and_offset()
    {
        byte[] bytes = [1, 2, 3];
        var ex = Should.Throw<DwarfFormatException>(() =>
        {
            var cursor = new DwarfCursor(bytes, ".debug_addr", baseOffset: 0x100);
            cursor.ReadU8();
            cursor.ReadU32();
        });
        ex.Section.ShouldBe(".debug_addr");
        ex.Offset.ShouldBe(0x101);
        ex.Message.ShouldStartWith(".debug_addr+0x101: ");
    }

    [Fact]
    public void Unterminated_leb_and_string_throw()
    {
        Should.Throw<DwarfFormatException>(() => new DwarfCursor(new byte[] { 0x80, 0x80 }, ".debug_info").ReadUleb());
        Should.Throw<DwarfFormatException>(() => new DwarfCursor(new byte[] { 0x80 }, ".debug_info").ReadSleb());
        Should.Throw<DwarfFormatException>(() => new DwarfCursor("abc"u8.ToArray(), ".debug_str").ReadCString());
        Should.Throw<DwarfFormatException>(() => new DwarfCursor(new byte[4], ".debug_info").Skip(5));
        Should.Throw<DwarfFormatException>(() => new DwarfCursor(new byte[4], ".debug_info").Seek(5));
    }
}
