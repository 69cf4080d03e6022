using System.Buffers.Binary;
using System.IO.Compression;

namespace Rewriter.Elf.Writing;

/// <summary>
/// Writes a section back the way the input stored it: SHF_COMPRESSED with an Elf64_Chdr and a zlib
/// stream, so `-gz=zlib` input gives `-gz=zlib` output.
/// </summary>
public static class SectionCompression
{
    private const int HeaderSize = 24;

    /// <summary>The compressed form of <paramref name="chunks"/>: Elf64_Chdr (ELFCOMPRESS_ZLIB) and the deflated bytes.</summary>
    public static byte[] Zlib(IReadOnlyList<ReadOnlyMemory<byte>> chunks, ulong alignment)
    {
        ulong size = 0;
        foreach (var chunk in chunks)
            size += (ulong)chunk.Length;
        using var output = new MemoryStream();
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)CompressionType.Zlib);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header[8..], size);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], Math.Max(1, alignment));
        output.Write(header);
        // Fastest: a debug section is written once per rewrite and read rarely; a stable level keeps outputs deterministic.
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
            foreach (var chunk in chunks)
                zlib.Write(chunk.Span);
        return output.ToArray();
    }

    /// <summary>The ch_type and ch_addralign of a compressed section's header; null when it has none.</summary>
    public static (CompressionType Type, ulong Alignment)? ReadHeader(ReadOnlySpan<byte> raw) =>
        raw.Length < HeaderSize ? null
            : ((CompressionType)BinaryPrimitives.ReadUInt32LittleEndian(raw), BinaryPrimitives.ReadUInt64LittleEndian(raw[16..]));
}
