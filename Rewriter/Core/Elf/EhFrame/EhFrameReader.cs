using Rewriter.CallFrames;
using Rewriter.Elf.Reading;

namespace Rewriter.Elf.EhFrame;

/// <summary>Reads a program's .eh_frame (the unwind tables the runtime uses).</summary>
public static class EhFrameReader
{
    public static CallFrameTable? Read(ElfFile elf)
    {
        var section = elf.FindSection(".eh_frame");
        if (section == null)
            return null;
        // Ignoring an .eh_frame we cannot read would move code without its unwind information.
        if (section.Header.Type is not (SectionType.ProgBits or SectionType.X86_64Unwind))
            throw new Diagnostics.InputFormatException($"section {section}", $"type 0x{(uint)section.Header.Type:x} is not SHT_PROGBITS, so the exception data cannot be read");
        return Read(elf.GetRawContents(section), section.Header.Address, ".eh_frame");
    }

    public static CallFrameTable Read(ReadOnlySpan<byte> data, ulong sectionAddress, string sectionName) =>
        CallFrameReader.Read(data, sectionAddress, sectionName, CallFrameSection.EhFrame);
}
