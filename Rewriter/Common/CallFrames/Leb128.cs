namespace Rewriter.Elf.EhFrame;

/// <summary>LEB128 encoding (DWARF 5 §7.6), shared by the CFI, .eh_frame and LSDA writers.</summary>
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
            value >>= 7;
            bool done = (value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0);
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
}
