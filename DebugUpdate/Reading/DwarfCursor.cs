using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Rewriter.Common;

namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// Zero-copy little-endian reader over a section (or a window of one). Every read is bounds
/// checked and a short read throws <see cref="DwarfFormatException"/> naming the section and the
/// offset, never IndexOutOfRangeException.
/// </summary>
public ref struct DwarfCursor
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _section;
    private readonly long _baseOffset;
    private readonly string? _file;
    private int _position;

    /// <param name="file">the file the section came from, named in errors</param>
    public DwarfCursor(ReadOnlySpan<byte> data, string section, long baseOffset = 0, string? file = null)
    {
        _data = data;
        _section = section;
        _baseOffset = baseOffset;
        _file = file;
        _position = 0;
    }

    public readonly ReadOnlySpan<byte> Data => _data;
    public readonly string Section => _section;
    public readonly long BaseOffset => _baseOffset;

    /// <summary>Position relative to the start of the data.</summary>
    public int Position
    {
        readonly get => _position;
        set => Seek(value);
    }

    public readonly int Remaining => _data.Length - _position;
    public readonly bool AtEnd => _position >= _data.Length;

    /// <summary>Moves to <paramref name="offset"/>; the end of the data is a valid position.</summary>
    public void Seek(long offset)
    {
        if ((ulong)offset > (ulong)_data.Length)
            throw Error($"offset 0x{offset:x} is outside the section (size 0x{_data.Length:x})");
        _position = (int)offset;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(ulong count)
    {
        if (count > (ulong)Remaining)
            ThrowSkip(count);
        _position += (int)count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowSkip(ulong count) =>
        throw Error($"skipping 0x{count:x} bytes runs past the end (0x{Remaining:x} left)");

    // PERF: one unsigned comparison covers both "negative" and "too far"; the throw lives in a
    // separate non-inlined method so the hot readers stay small enough to inline.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void Need(int count)
    {
        if ((uint)count > (uint)(_data.Length - _position))
            ThrowShort(count);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowShort(int count) =>
        throw Error($"need {count} bytes but only {Remaining} remain");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadU8()
    {
        if ((uint)_position >= (uint)_data.Length)
            ThrowShort(1);
        return _data[_position++];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort ReadU16()
    {
        Need(2);
        var value = BinaryPrimitives.ReadUInt16LittleEndian(_data.Slice(_position));
        _position += 2;
        return value;
    }

    public uint ReadU24()
    {
        Need(3);
        uint value = _data[_position] | (uint)_data[_position + 1] << 8 | (uint)_data[_position + 2] << 16;
        _position += 3;
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadU32()
    {
        Need(4);
        var value = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_position));
        _position += 4;
        return value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadU64()
    {
        Need(8);
        var value = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position));
        _position += 8;
        return value;
    }

    /// <summary>Reads a little-endian unsigned integer of 1 to 8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadFixed(int size)
    {
        // PERF: with 8 bytes available, one unaligned 8-byte load and a mask replace a size switch;
        // the check just made covers the load, so it reads through a ref without a second check.
        if ((uint)(_data.Length - _position) >= 8u)
        {
            ulong raw = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), (nint)(uint)_position));
            if (!BitConverter.IsLittleEndian)
                raw = BinaryPrimitives.ReverseEndianness(raw);
            _position += size;
            return raw & (ulong.MaxValue >> ((8 - size) * 8));
        }
        return ReadUnsigned(size);
    }

    /// <summary>Reads a little-endian unsigned integer of 1 to 8 bytes at <paramref name="position"/>, leaving the cursor where it is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong PeekFixed(int position, int size)
    {
        // PERF: as ReadFixed, and it does not touch the position, so reads of one DIE's values
        // do not wait on each other.
        if ((uint)position <= (uint)_data.Length && (uint)(_data.Length - position) >= 8u)
        {
            ulong raw = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), (nint)(uint)position));
            if (!BitConverter.IsLittleEndian)
                raw = BinaryPrimitives.ReverseEndianness(raw);
            return raw & (ulong.MaxValue >> ((8 - size) * 8));
        }
        var copy = this;
        copy.Seek(position);
        return copy.ReadUnsigned(size);
    }

    public sbyte ReadS8() => (sbyte)ReadU8();

    /// <summary>Reads an unsigned integer of 1, 2, 3, 4 or 8 bytes.</summary>
    public ulong ReadUnsigned(int size)
    {
        switch (size)
        {
            case 1: return ReadU8();
            case 2: return ReadU16();
            case 3: return ReadU24();
            case 4: return ReadU32();
            case 8: return ReadU64();
            case > 0 and < 8:
                Need(size);
                ulong value = 0;
                for (int i = size - 1; i >= 0; i--)
                    value = value << 8 | _data[_position + i];
                _position += size;
                return value;
            default:
                throw Error($"unsupported integer size {size}");
        }
    }

    /// <summary>Reads an address of the unit's address size (1, 2, 4 or 8 bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadAddress(int addressSize) => addressSize == 8 ? ReadU64() : ReadUnsigned(addressSize);

    /// <summary>Reads a section offset: 4 bytes in DWARF32, 8 bytes in DWARF64.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadOffset(int offsetSize) => offsetSize == 4 ? ReadU32() : ReadU64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUleb()
    {
        if (!Leb128.TryReadUnsigned(_data, ref _position, out ulong value))
            ThrowUnreadableLeb(signed: false);
        return value;
    }

    public long ReadSleb()
    {
        if (!Leb128.TryReadSigned(_data, ref _position, out long value))
            ThrowUnreadableLeb(signed: true);
        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowUnreadableLeb(bool signed) =>
        throw Error(Leb128.DescribeUnreadable(_data, _position, signed));

    /// <summary>Reads a ULEB that must fit an int (a count or a length).</summary>
    public int ReadUlebAsInt(string what)
    {
        int start = _position;
        ulong value = ReadUleb();
        if (value > int.MaxValue)
            throw ErrorAt(start, $"{what} 0x{value:x} is too large");
        return (int)value;
    }

    public ReadOnlySpan<byte> ReadBytes(ulong count)
    {
        if (count > (ulong)Remaining)
            throw Error($"block of 0x{count:x} bytes runs past the end (0x{Remaining:x} left)");
        var bytes = _data.Slice(_position, (int)count);
        _position += (int)count;
        return bytes;
    }

    /// <summary>Reads a NUL-terminated string; the result excludes the terminator.</summary>
    public ReadOnlySpan<byte> ReadCString()
    {
        var rest = _data.Slice(_position);
        int length = rest.IndexOf((byte)0);
        if (length < 0)
            throw Error("string is not NUL-terminated before the end of the section");
        _position += length + 1;
        return rest.Slice(0, length);
    }

    /// <summary>
    /// Reads an initial length field. Returns the length of the data that follows it and sets
    /// <paramref name="offsetSize"/> to 4 (DWARF32) or 8 (DWARF64).
    /// </summary>
    public ulong ReadInitialLength(out int offsetSize)
    {
        int start = _position;
        uint length32 = ReadU32();
        if (length32 < 0xfffffff0u)
        {
            offsetSize = 4;
            return length32;
        }
        if (length32 == 0xffffffffu)
        {
            offsetSize = 8;
            return ReadU64();
        }
        throw ErrorAt(start, $"reserved initial length value 0x{length32:x}");
    }

    /// <summary>
    /// The start of a length-prefixed contribution (a list table, a name index, a pubnames set):
    /// its initial length, which must fit in what remains, and its 2-byte version, which must be
    /// <paramref name="version"/>. Returns where the contribution ends and its offset size.
    /// </summary>
    /// <param name="lengthName">what the length is of, for the error ("list table")</param>
    /// <param name="versionName">whose version it is, for the error (".debug_rnglists")</param>
    public (int End, int OffsetSize) ReadContributionStart(ushort version, string lengthName, string versionName)
    {
        int start = _position;
        ulong length = ReadInitialLength(out int offsetSize);
        if (length > (ulong)Remaining)
            throw ErrorAt(start, $"{lengthName} length 0x{length:x} runs past the end of the section");
        int end = _position + (int)length;
        ushort found = ReadU16();
        if (found != version)
            throw ErrorAt(start, $"unsupported {versionName} version {found}");
        return (end, offsetSize);
    }

    public readonly DwarfFormatException Error(string problem) => ErrorAt(_position, problem);

    public readonly DwarfFormatException ErrorAt(long position, string problem) =>
        new(_section, _baseOffset + position, problem, _file);
}
