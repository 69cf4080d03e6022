using System.IO.Compression;

namespace Rewriter.Elf.Writing;

/// <summary>
/// Writes a section back the way the input stored it: SHF_COMPRESSED with an Elf64_Chdr and a zlib
/// or zstd stream, so `-gz=zlib` input gives `-gz=zlib` output and zstd input zstd output.
/// </summary>
public static class SectionCompression
{
    /// <summary>The compressed form of <paramref name="chunks"/>: an Elf64_Chdr of <paramref name="type"/> and the compressed bytes.</summary>
    public static byte[] Compress(CompressionType type, IReadOnlyList<ReadOnlyMemory<byte>> chunks, ulong alignment)
    {
        ulong size = 0;
        foreach (var chunk in chunks)
            size += (ulong)chunk.Length;
        using var output = new MemoryStream();
        Span<byte> header = stackalloc byte[CompressionHeader.Length];
        new CompressionHeader(type, size, Math.Max(1, alignment)).WriteTo(header);
        output.Write(header);
        // Fast levels: a debug section is written once per rewrite and read rarely; a fixed level
        // (and zstd on one thread) keeps outputs deterministic.
        using (Stream compressor = type switch
               {
                   CompressionType.Zlib => new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true),
                   CompressionType.Zstd => new ZstdSharp.CompressionStream(output, level: 1, leaveOpen: true),
                   _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no such ELF compression"),
               })
            foreach (var chunk in chunks)
                compressor.Write(chunk.Span);
        return output.ToArray();
    }
}
