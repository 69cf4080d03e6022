using System.Buffers.Binary;
using Rewriter.Diagnostics;

namespace Rewriter.Elf.Reading;

public readonly record struct DynamicEntry(DynamicTag Tag, ulong Value);

/// <summary>The .dynamic section's entries, up to DT_NULL.</summary>
public static class DynamicSection
{
    public static List<DynamicEntry> Read(ElfFile elf)
    {
        var section = elf.Sections.FirstOrDefault(s => s.Header.Type == SectionType.Dynamic);
        if (section == null)
            return [];
        var bytes = elf.GetRawContents(section);
        if (bytes.Length % 16 != 0)
            throw new InputFormatException($"section {section}", $"size 0x{bytes.Length:x} is not a multiple of 16");
        var entries = new List<DynamicEntry>();
        for (int i = 0; i < bytes.Length; i += 16)
        {
            var tag = (DynamicTag)BinaryPrimitives.ReadInt64LittleEndian(bytes[i..]);
            if (tag == DynamicTag.Null)
                break;
            entries.Add(new DynamicEntry(tag, BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i + 8)..])));
        }
        return entries;
    }
}
