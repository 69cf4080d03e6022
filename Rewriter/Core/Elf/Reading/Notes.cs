using System.Buffers.Binary;
using Rewriter.Diagnostics;

namespace Rewriter.Elf.Reading;

public sealed record ElfNote(string Owner, uint Type, byte[] Descriptor)
{
    /// <summary>Where the descriptor lies in the file.</summary>
    public ulong DescriptorOffset { get; init; }
}

/// <summary>SHT_NOTE sections: owner, type and descriptor, 4-byte aligned.</summary>
public static class Notes
{
    public const uint GnuBuildIdType = 3;

    public static List<ElfNote> Read(ElfFile elf)
    {
        var notes = new List<ElfNote>();
        foreach (var section in elf.Sections.Where(s => s.Header.Type == SectionType.Note))
            ReadSection(elf.GetRawContents(section), $"section {section}", section.Header.Offset, notes);
        return notes;
    }

    /// <summary>The first GNU build-id note (its descriptor and where that lies in the file), or null.</summary>
    public static ElfNote? FindBuildId(ElfFile elf) =>
        Read(elf).FirstOrDefault(n => n.Owner == "GNU" && n.Type == GnuBuildIdType && n.Descriptor.Length > 0);

    /// <summary>The GNU build-id as lowercase hex, or null.</summary>
    public static string? BuildId(ElfFile elf) =>
        Read(elf).FirstOrDefault(n => n.Owner == "GNU" && n.Type == GnuBuildIdType) is { } note
            ? Convert.ToHexStringLower(note.Descriptor)
            : null;

    private static void ReadSection(ReadOnlySpan<byte> bytes, string where, ulong fileOffset, List<ElfNote> notes)
    {
        int position = 0;
        while (position + 12 <= bytes.Length)
        {
            uint nameSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[position..]);
            uint descSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 4)..]);
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(bytes[(position + 8)..]);
            long nameStart = position + 12;
            long descStart = nameStart + Align4(nameSize);
            long end = descStart + Align4(descSize);
            if (descStart + descSize > bytes.Length || nameStart + nameSize > bytes.Length)
                throw InputFormatException.At(where, (ulong)position, "note extends past the end of its section");
            var name = bytes.Slice((int)nameStart, (int)nameSize);
            int nul = name.IndexOf((byte)0);
            notes.Add(new ElfNote(System.Text.Encoding.ASCII.GetString(nul < 0 ? name : name[..nul]), type,
                bytes.Slice((int)descStart, (int)descSize).ToArray()) { DescriptorOffset = fileOffset + (ulong)descStart });
            position = (int)Math.Min(end, bytes.Length);
        }
    }

    private static long Align4(uint size) => (size + 3L) & ~3L;
}
