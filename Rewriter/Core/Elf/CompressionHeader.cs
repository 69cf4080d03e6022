using System.Buffers.Binary;

namespace Rewriter.Elf;

/// <summary>The Elf64_Chdr at the start of an SHF_COMPRESSED section: how, how big, how aligned.</summary>
public readonly record struct CompressionHeader(CompressionType Type, ulong Size, ulong Alignment)
{
    public const int Length = 24;

    /// <summary>The header at the start of <paramref name="raw"/>; null when it is too short to hold one.</summary>
    public static CompressionHeader? Read(ReadOnlySpan<byte> raw) =>
        raw.Length < Length ? null
            : new((CompressionType)BinaryPrimitives.ReadUInt32LittleEndian(raw), BinaryPrimitives.ReadUInt64LittleEndian(raw[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(raw[16..]));

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, (uint)Type);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], 0); // ch_reserved
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], Size);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[16..], Alignment);
    }
}
