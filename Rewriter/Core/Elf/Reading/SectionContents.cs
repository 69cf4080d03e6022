using System.IO.Compression;
using Rewriter.Diagnostics;

namespace Rewriter.Elf.Reading;

/// <summary>
/// The uncompressed contents of a section. SHF_COMPRESSED sections carry an Elf64_Chdr and a zlib
/// or zstd stream; zlib is inflated through the framework, zstd through ZstdSharp.
/// </summary>
public static class SectionContents
{
    /// <summary>The section's bytes, decompressed when compressed (an unknown compression is bad input).</summary>
    public static ReadOnlyMemory<byte> Read(ElfFile elf, ElfSection section)
    {
        var raw = elf.GetRawMemory(section);
        if ((section.Header.Flags & SectionFlags.Compressed) == 0)
            return raw;

        string where = $"section {section}";
        if (CompressionHeader.Read(raw.Span) is not { } header)
            throw new InputFormatException(where, "compressed section is shorter than its compression header");
        if (header.Size > int.MaxValue)
            throw new InputFormatException(where, $"uncompressed size 0x{header.Size:x} is too large");
        var compressed = raw[CompressionHeader.Length..];
        return header.Type switch
        {
            CompressionType.Zlib => Inflate(compressed, (int)header.Size, where),
            CompressionType.Zstd => Unzstd(compressed.Span, (int)header.Size, where),
            _ => throw new InputFormatException(where, $"unknown compression type {(uint)header.Type}"),
        };
    }

    private static byte[] Inflate(ReadOnlyMemory<byte> compressed, int size, string where)
    {
        var output = new byte[size];
        try
        {
            using var input = new UnmanagedMemoryStreamOver(compressed);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            int total = 0;
            while (total < size)
            {
                int read = zlib.Read(output, total, size - total);
                if (read == 0)
                    break;
                total += read;
            }
            if (total != size || zlib.ReadByte() != -1)
                throw new InputFormatException(where, $"compressed stream does not inflate to the 0x{size:x} bytes its header states");
        }
        catch (InvalidDataException e)
        {
            throw new InputFormatException(where, $"corrupt zlib stream: {e.Message}");
        }
        return output;
    }

    private static byte[] Unzstd(ReadOnlySpan<byte> compressed, int size, string where)
    {
        var output = new byte[size];
        try
        {
            using var zstd = new ZstdSharp.Decompressor();
            // A frame that says more than the header's size fails here, one that says less below.
            if (zstd.Unwrap(compressed, output) != size)
                throw new InputFormatException(where, $"compressed stream does not decompress to the 0x{size:x} bytes its header states");
        }
        catch (ZstdSharp.ZstdException e)
        {
            throw new InputFormatException(where, $"corrupt zstd stream: {e.Message}");
        }
        return output;
    }

    /// <summary>A read-only stream over memory, so inflating needs no copy of the compressed bytes.</summary>
    private sealed class UnmanagedMemoryStreamOver(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => memory.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
