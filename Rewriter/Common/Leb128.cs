using System.Runtime.CompilerServices;

namespace Rewriter.Common;

/// <summary>
/// LEB128 (DWARF 5 §7.6), the one encoder and decoder for DWARF, .eh_frame, LSDAs and the address
/// map. A value that runs past the end of its data, or carries bits beyond 64, is unreadable:
/// the readers return false and leave the position at its start, so each caller raises its own
/// format error at that offset with <see cref="DescribeUnreadable"/>.
/// </summary>
public static class Leb128
{
    /// <summary>The longest encoding of a 64-bit value.</summary>
    public const int MaxSize = 10;

    public static int UnsignedSize(ulong value)
    {
        int size = 1;
        while ((value >>= 7) != 0)
            size++;
        return size;
    }

    public static int SignedSize(long value)
    {
        int size = 1;
        while (!IsLastSignedByte(ref value))
            size++;
        return size;
    }

    /// <summary>Writes a ULEB128, padded with continuation bytes to <paramref name="minimumSize"/>; returns its size.</summary>
    public static int WriteUnsigned(Span<byte> destination, ulong value, int minimumSize = 1)
    {
        int size = Math.Max(UnsignedSize(value), minimumSize);
        for (int i = 0; i < size; i++)
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            destination[i] = i < size - 1 ? (byte)(b | 0x80) : b;
        }
        return size;
    }

    /// <summary>Writes an SLEB128; returns its size.</summary>
    public static int WriteSigned(Span<byte> destination, long value)
    {
        for (int i = 0; ; i++)
        {
            byte b = (byte)(value & 0x7f);
            bool done = IsLastSignedByte(ref value);
            destination[i] = done ? b : (byte)(b | 0x80);
            if (done)
                return i + 1;
        }
    }

    public static void AddUnsigned(List<byte> output, ulong value, int minimumSize = 1)
    {
        Span<byte> bytes = stackalloc byte[Math.Max(MaxSize, minimumSize)];
        output.AddRange(bytes[..WriteUnsigned(bytes, value, minimumSize)]);
    }

    public static void AddSigned(List<byte> output, long value)
    {
        Span<byte> bytes = stackalloc byte[MaxSize];
        output.AddRange(bytes[..WriteSigned(bytes, value)]);
    }

    /// <summary>Shifts the next 7 bits out of <paramref name="value"/>; true when they were the last the encoding needs.</summary>
    private static bool IsLastSignedByte(ref long value)
    {
        bool signBit = (value & 0x40) != 0;
        value >>= 7;
        return (value == 0 && !signBit) || (value == -1 && signBit);
    }

    /// <summary>
    /// Reads a ULEB128 at <paramref name="position"/> and moves past it; false (position unchanged)
    /// when it runs past the end of <paramref name="data"/> or does not fit 64 bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadUnsigned(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        // PERF: most ULEBs (abbreviation codes, forms, small constants) fit in one byte; the loop
        // stays out of line so this inlines into the DIE scanners.
        if ((uint)position < (uint)data.Length && data[position] < 0x80)
        {
            value = data[position++];
            return true;
        }
        return TryReadUnsignedSlow(data, ref position, out value);
    }

    private static bool TryReadUnsignedSlow(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        if ((uint)position >= (uint)data.Length)
            return false;
        // PERF: two-byte values (abbreviation codes past 127, most addrx and udata) skip the loop.
        if ((uint)(position + 1) < (uint)data.Length && data[position + 1] < 0x80)
        {
            value = (ulong)(uint)(data[position] & 0x7f) | (ulong)data[position + 1] << 7;
            position += 2;
            return true;
        }
        ulong result = 0;
        for (int at = position, shift = 0; at < data.Length; at++, shift += 7)
        {
            int payload = data[at] & 0x7f;
            if (shift < 63)
                result |= (ulong)payload << shift;
            else if (payload > (shift == 63 ? 1 : 0))
                return false; // bits beyond 64
            else
                result |= (ulong)payload << 63;
            if (data[at] < 0x80)
            {
                value = result;
                position = at + 1;
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Reads an SLEB128 at <paramref name="position"/> and moves past it; false (position unchanged)
    /// when it runs past the end of <paramref name="data"/> or does not fit 64 bits.
    /// </summary>
    public static bool TryReadSigned(ReadOnlySpan<byte> data, ref int position, out long value)
    {
        value = 0;
        if ((uint)position >= (uint)data.Length)
            return false;
        long result = 0;
        int shift = 0;
        for (int at = position; at < data.Length; at++, shift += 7)
        {
            int payload = data[at] & 0x7f;
            if (shift < 63)
                result |= (long)payload << shift;
            else if (shift == 63)
            {
                // Bit 63 is the sign; the other six bits can only repeat it.
                if (payload != 0 && payload != 0x7f)
                    return false;
                result |= (long)payload << 63;
            }
            else if (payload != (result < 0 ? 0x7f : 0))
                return false; // padding that is not the sign repeated
            if (data[at] < 0x80)
            {
                if (shift + 7 < 64 && (payload & 0x40) != 0)
                    result |= -1L << (shift + 7);
                value = result;
                position = at + 1;
                return true;
            }
        }
        return false;
    }

    /// <summary>Why the LEB128 at <paramref name="position"/> could not be read (after a Try method returned false).</summary>
    public static string DescribeUnreadable(ReadOnlySpan<byte> data, int position, bool signed)
    {
        string kind = signed ? "SLEB128" : "ULEB128";
        for (int at = Math.Max(position, 0); at < data.Length; at++)
            if (data[at] < 0x80)
                return $"{kind} value does not fit in 64 bits";
        return $"{kind} runs past the end of the section";
    }
}
