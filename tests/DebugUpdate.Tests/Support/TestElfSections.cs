using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>
/// A tiny ELF64 little-endian section extractor for tests only: returns the debug sections of a
/// linked program, .dwo file or .dwp package (zlib-compressed sections are inflated).
/// The product's real ELF reader lives in the core; this one only feeds the DWARF tests.
/// </summary>
internal static class TestElfSections
{
    public static DebugSections Load(string path) => Parse(File.ReadAllBytes(path), Path.GetFileName(path));

    public static DebugSections Parse(byte[] elf, string label = "")
    {
        ReadOnlySpan<byte> span = elf;
        if (span.Length < 64 || span[0] != 0x7f || span[1] != (byte)'E' || span[2] != (byte)'L' || span[3] != (byte)'F'
            || span[4] != 2 || span[5] != 1)
            throw new InvalidDataException($"{label}: not an ELF64 little-endian file");
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(span[0x28..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3a..]);
        ushort shnum = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3c..]);
        ushort shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(span[0x3e..]);
        var headers = new (uint Name, uint Type, ulong Flags, ulong Offset, ulong Size)[shnum];
        for (int i = 0; i < shnum; i++)
        {
            var h = span.Slice(checked((int)shoff + i * shentsize), 64);
            headers[i] = (BinaryPrimitives.ReadUInt32LittleEndian(h), BinaryPrimitives.ReadUInt32LittleEndian(h[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[8..]), BinaryPrimitives.ReadUInt64LittleEndian(h[0x18..]),
                BinaryPrimitives.ReadUInt64LittleEndian(h[0x20..]));
        }
        var names = span.Slice((int)headers[shstrndx].Offset, (int)headers[shstrndx].Size);
        var sections = new DebugSections { File = label };
        foreach (var header in headers)
        {
            var nameBytes = names[(int)header.Name..];
            string name = Encoding.ASCII.GetString(nameBytes[..nameBytes.IndexOf((byte)0)]);
            if (!(name.StartsWith(".debug_", StringComparison.Ordinal) || name == ".gdb_index") || header.Type == 8 /* NOBITS */)
                continue;
            var bytes = new ReadOnlyMemory<byte>(elf, (int)header.Offset, (int)header.Size);
            if ((header.Flags & 0x800) != 0) // SHF_COMPRESSED
                bytes = Inflate(bytes.Span, label, name);
            sections.Set(name, bytes);
        }
        return sections;
    }

    private static byte[] Inflate(ReadOnlySpan<byte> section, string label, string name)
    {
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(section);
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(section[8..]);
        if (type != 1)
            throw new InvalidDataException($"{label}: {name}: compression type {type} is not supported by the test extractor");
        using var input = new ZLibStream(new MemoryStream(section[24..].ToArray()), CompressionMode.Decompress);
        var output = new byte[size];
        input.ReadExactly(output);
        return output;
    }
}
