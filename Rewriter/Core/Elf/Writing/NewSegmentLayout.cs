using Rewriter.Elf.Reading;

namespace Rewriter.Elf.Writing;

/// <summary>
/// Where the new PT_LOAD goes: after the highest loaded byte in both memory and file, with its
/// file offset and address differing by the same amount as the first PT_LOAD's. That keeps the
/// relocated program-header table findable by every kernel (old ones compute AT_PHDR as
/// load address + e_phoff) and keeps offset ≡ address modulo the segment alignment.
/// The new program-header table sits at the start of the segment.
/// </summary>
public sealed class NewSegmentLayout
{
    public ulong Offset { get; }
    public ulong Address { get; }
    public ulong Alignment { get; }
    public int ProgramHeaderCount { get; }
    public ulong ProgramHeaderTableSize => (ulong)ProgramHeaderCount * ProgramHeader.Size;
    /// <summary>The first address after the program-header table, where new sections may start.</summary>
    public ulong FirstFreeAddress => Address + ProgramHeaderTableSize;

    private NewSegmentLayout(ulong offset, ulong address, ulong alignment, int programHeaderCount)
    {
        Offset = offset;
        Address = address;
        Alignment = alignment;
        ProgramHeaderCount = programHeaderCount;
    }

    public static NewSegmentLayout Plan(ElfFile elf)
    {
        var loads = elf.Segments.Where(s => s.Type == SegmentType.Load).ToList();
        ulong alignment = Math.Max(0x1000, loads.Select(s => s.Alignment).DefaultIfEmpty(0x1000ul).Max());
        // Address minus offset of the first PT_LOAD; 0 for PIE, 0x400000-ish for fixed executables.
        ulong delta = loads.Count == 0 ? 0 : loads[0].VirtualAddress - loads[0].Offset;
        ulong memoryEnd = loads.Select(s => s.MemoryEnd).DefaultIfEmpty(0ul).Max();
        ulong fileEnd = LoadedFileEnd(elf);
        ulong offset = AlignUp(Math.Max(fileEnd, memoryEnd - Math.Min(delta, memoryEnd)), alignment);
        // A new segment far beyond the file would mean a huge output of padding: the input's
        // memory size is then more likely corrupt than real.
        if (offset > (ulong)elf.Length + MaxGap)
            throw new Diagnostics.InputFormatException("program headers",
                $"loaded memory ends at 0x{memoryEnd:x}, too far past the end of the file to place a new segment");
        int count = elf.Segments.Count + 1;
        return new NewSegmentLayout(offset, offset + delta, alignment, count);
    }

    /// <summary>The end of everything the loader or the dynamic linker may read from the input image.</summary>
    private const ulong MaxGap = 4UL << 30;

    public static ulong LoadedFileEnd(ElfFile elf)
    {
        ulong end = ElfHeader.Size;
        foreach (var segment in elf.Segments)
            end = Math.Max(end, segment.FileEnd);
        foreach (var section in elf.Sections)
            if (section.Header.IsAllocated && section.Header.HasFileContents)
                end = Math.Max(end, section.Header.FileEnd);
        end = Math.Max(end, elf.Header.ProgramHeaderOffset + (ulong)elf.Segments.Count * ProgramHeader.Size);
        return end;
    }

    public static ulong AlignUp(ulong value, ulong alignment) =>
        alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
}
