using Rewriter.Common;

namespace Rewriter.Core.Tests.Common;

/// <summary>The one LEB128 codec: round trips at the edges, and what is unreadable (too long, past the end).</summary>
public sealed class Leb128Tests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(127UL)]
    [InlineData(128UL)]
    [InlineData(16383UL)]
    [InlineData(16384UL)]
    [InlineData(1UL << 63)]
    [InlineData(ulong.MaxValue)]
    public void Unsigned_values_round_trip_in_their_size(ulong value)
    {
        var bytes = new byte[Leb128.MaxSize];
        int size = Leb128.WriteUnsigned(bytes, value);
        size.ShouldBe(Leb128.UnsignedSize(value));
        int position = 0;
        Leb128.TryReadUnsigned(bytes.AsSpan(0, size), ref position, out ulong read).ShouldBeTrue();
        read.ShouldBe(value);
        position.ShouldBe(size);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(63L)]
    [InlineData(64L)]
    [InlineData(-64L)]
    [InlineData(-65L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MinValue)]
    public void Signed_values_round_trip_in_their_size(long value)
    {
        var bytes = new byte[Leb128.MaxSize];
        int size = Leb128.WriteSigned(bytes, value);
        size.ShouldBe(Leb128.SignedSize(value));
        int position = 0;
        Leb128.TryReadSigned(bytes.AsSpan(0, size), ref position, out long read).ShouldBeTrue();
        read.ShouldBe(value);
        position.ShouldBe(size);
    }

    [Fact]
    public void Padding_with_continuation_bytes_reads_as_the_same_value()
    {
        var bytes = new byte[12];
        Leb128.WriteUnsigned(bytes, 5, minimumSize: 12).ShouldBe(12);
        int position = 0;
        Leb128.TryReadUnsigned(bytes, ref position, out ulong value).ShouldBeTrue();
        value.ShouldBe(5UL);
        position.ShouldBe(12);
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 }, "ULEB128 value does not fit in 64 bits")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, "ULEB128 value does not fit in 64 bits")]
    [InlineData(new byte[] { 0x80, 0x80 }, "ULEB128 runs past the end of the section")]
    [InlineData(new byte[] { }, "ULEB128 runs past the end of the section")]
    public void An_unsigned_value_beyond_64_bits_or_the_end_is_unreadable_and_the_position_stays(byte[] bytes, string problem)
    {
        int position = 0;
        Leb128.TryReadUnsigned(bytes, ref position, out _).ShouldBeFalse();
        position.ShouldBe(0);
        Leb128.DescribeUnreadable(bytes, 0, signed: false).ShouldBe(problem);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, "SLEB128 value does not fit in 64 bits")] // 2^63
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, "SLEB128 value does not fit in 64 bits")]
    [InlineData(new byte[] { 0xc0 }, "SLEB128 runs past the end of the section")]
    public void A_signed_value_beyond_64_bits_or_the_end_is_unreadable(byte[] bytes, string problem)
    {
        int position = 0;
        Leb128.TryReadSigned(bytes, ref position, out _).ShouldBeFalse();
        position.ShouldBe(0);
        Leb128.DescribeUnreadable(bytes, 0, signed: true).ShouldBe(problem);
    }

    [Fact]
    public void A_negative_value_padded_with_its_sign_reads_back()
    {
        // -1 in eleven bytes: ten 0xff then 0x7f.
        byte[] bytes = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
        int position = 0;
        Leb128.TryReadSigned(bytes, ref position, out long value).ShouldBeTrue();
        value.ShouldBe(-1L);
        position.ShouldBe(11);
    }
}
