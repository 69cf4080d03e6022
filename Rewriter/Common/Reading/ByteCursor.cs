using System.Buffers.Binary;
using Rewriter.Common;
using Rewriter.Diagnostics;

namespace Rewriter.Elf.Reading;

/// <summary>
/// A forward reader over a span with one bounds check per read; running off the end raises an
/// <see cref="InputFormatException"/> naming the section and offset.
/// </summary>
public ref struct ByteCursor(ReadOnlySpan<byte> data, string section, int position = 0)
{
    private readonly ReadOnlySpan<byte> _data = data;
    public int Position { get; set; } = position;
    public readonly int Length => _data.Length;
    public readonly bool AtEnd => Position >= _data.Length;
    public readonly string SectionName => section;

    public byte U8() => Take(1)[0];
    public ushort U16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public ulong Uleb()
    {
        int position = Position;
        if (!Leb128.TryReadUnsigned(_data, ref position, out ulong value))
            throw Error(Leb128.DescribeUnreadable(_data, Position, signed: false));
        Position = position;
        return value;
    }

    public long Sleb()
    {
        int position = Position;
        if (!Leb128.TryReadSigned(_data, ref position, out long value))
            throw Error(Leb128.DescribeUnreadable(_data, Position, signed: true));
        Position = position;
        return value;
    }

    public ReadOnlySpan<byte> CString()
    {
        int end = _data[Position..].IndexOf((byte)0);
        if (end < 0)
            throw Error("string is not NUL-terminated");
        var s = _data.Slice(Position, end);
        Position += end + 1;
        return s;
    }

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || (uint)Position > (uint)_data.Length || count > _data.Length - Position)
            throw Error($"read of {count} bytes runs past the end (0x{_data.Length:x} bytes)");
        var s = _data.Slice(Position, count);
        Position += count;
        return s;
    }

    public readonly InputFormatException Error(string what) => InputFormatException.At(section, (ulong)Position, what);
}
