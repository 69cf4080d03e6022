using System.Buffers.Binary;

namespace Rewriter.Tests.Support;

/// <summary>Byte-level edits of ELF headers for building corrupt inputs.</summary>
public static class ElfMutation
{
    public static ulong SectionHeaderOffset(byte[] image) => BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(40));
    public static ulong ProgramHeaderOffset(byte[] image) => BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(32));
    public static ushort SectionCount(byte[] image) => BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(60));
    public static ushort ProgramHeaderCount(byte[] image) => BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(56));

    public static int SectionHeader(byte[] image, int index) => (int)SectionHeaderOffset(image) + index * 64;
    public static int ProgramHeader(byte[] image, int index) => (int)ProgramHeaderOffset(image) + index * 56;

    public static void WriteU16(byte[] image, int offset, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(offset), value);
    public static void WriteU32(byte[] image, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(offset), value);
    public static void WriteU64(byte[] image, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan(offset), value);

    /// <summary>Writes <paramref name="image"/> to a fresh temp file and returns its path.</summary>
    public static string Save(byte[] image, string name)
    {
        string path = TestPrograms.TempPath(name);
        File.WriteAllBytes(path, image);
        return path;
    }
}
