using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Rewriter.DebugUpdate.Reading;

namespace DwarfScanBench;

/// <summary>Minimal ELF64 LE section extractor (a copy of the test helper; the real reader is in the core).</summary>
internal static class MiniElf
{
    public static DebugSections Load(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        ReadOnlySpan<byte> span = elf;
        if (span.Length < 64 || !span[..4].SequenceEqual((ReadOnlySpan<byte>)[0x7f, (byte)'E', (byte)'L', (byte)'F']) || span[4] != 2 || span[5] != 1)
            throw new InvalidDataException($"{path}: not an ELF64 little-endian file");
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3a..]);
        ushort shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3c..]);
        ushort shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3e..]);
        (uint Name, uint Type, ulong Flags, ulong Offset, ulong Size) Header(int i)
        {
            var h = ((ReadOnlySpan<byte>)elf).Slice(checked((int)shoff + i * shentsize), 64);
            return (BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]), BinaryPrimitives.ReadUInt64LittleEndian(h[0x18..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[0x20..]));
        }
        var strtab = Header(shstrndx);
        var names = span.Slice((int)strtab.Offset, (int)strtab.Size);
        var sections = new DebugSections { File = path };
        for (int i = 0; i < shnum; i++)
        {
            var header = Header(i);
            var nameBytes = names[(int)header.Name..];
            string name = Encoding.ASCII.GetString(nameBytes[..nameBytes.IndexOf((byte)0)]);
            if (!name.StartsWith(".debug_", StringComparison.Ordinal) || header.Type == 8)
                continue;
            ReadOnlyMemory<byte> bytes = new(elf, (int)header.Offset, (int)header.Size);
            if ((header.Flags & 0x800) != 0)
            {
                var raw = bytes.Span;
                if (BinaryPrimitives.ReadUInt32LittleEndian(raw) != 1)
                    throw new InvalidDataException($"{path}: {name}: only zlib compression is supported here");
                var output = new byte[BinaryPrimitives.ReadUInt64LittleEndian(raw[8..])];
                using var z = new ZLibStream(new MemoryStream(raw[24..].ToArray()), CompressionMode.Decompress);
                z.ReadExactly(output);
                bytes = output;
            }
            sections.Set(name, bytes);
        }
        return sections;
    }
}
