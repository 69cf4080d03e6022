using Rewriter.Elf.Reading;

namespace Rewriter.CallFrames;

/// <summary>DW_EH_PE_* pointer encodings used by .eh_frame and .gcc_except_table.</summary>
public static class PointerEncoding
{
    public const byte Absolute = 0x00, Uleb128 = 0x01, UData2 = 0x02, UData4 = 0x03, UData8 = 0x04,
        Sleb128 = 0x09, SData2 = 0x0a, SData4 = 0x0b, SData8 = 0x0c;
    public const byte PcRelative = 0x10, TextRelative = 0x20, DataRelative = 0x30, FunctionRelative = 0x40, Aligned = 0x50;
    public const byte Indirect = 0x80, Omit = 0xff;

    /// <summary>
    /// Reads a pointer in <paramref name="encoding"/>. <paramref name="sectionAddress"/> is the
    /// address of the cursor's byte 0, so pc-relative values become absolute addresses.
    /// Indirect pointers are returned as the address of the slot holding the pointer.
    /// </summary>
    public static ulong Read(ref ByteCursor cursor, byte encoding, ulong sectionAddress, ulong dataBase = 0, ulong functionBase = 0)
    {
        if (encoding == Omit)
            return 0;
        ulong place = sectionAddress + (ulong)cursor.Position;
        ulong value = (encoding & 0x0f) switch
        {
            Absolute => cursor.U64(),
            Uleb128 => cursor.Uleb(),
            UData2 => cursor.U16(),
            UData4 => cursor.U32(),
            UData8 => cursor.U64(),
            Sleb128 => (ulong)cursor.Sleb(),
            SData2 => (ulong)(long)(short)cursor.U16(),
            SData4 => (ulong)(long)(int)cursor.U32(),
            SData8 => cursor.U64(),
            _ => throw cursor.Error($"unknown pointer encoding 0x{encoding:x2}"),
        };
        return (encoding & 0x70) switch
        {
            0 => value,
            PcRelative => place + value,
            DataRelative => dataBase + value,
            FunctionRelative => functionBase + value,
            TextRelative or Aligned => throw cursor.Error($"unsupported pointer application 0x{encoding:x2}"),
            _ => throw cursor.Error($"unknown pointer encoding 0x{encoding:x2}"),
        };
    }

    public static int FixedSize(byte encoding) => (encoding & 0x0f) switch
    {
        Absolute or UData8 or SData8 => 8,
        UData4 or SData4 => 4,
        UData2 or SData2 => 2,
        _ => 0,
    };
}
