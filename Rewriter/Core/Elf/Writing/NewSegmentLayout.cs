using Rewriter.Elf.Reading;

namespace Rewriter.Elf.Writing;

/// <summary>
/// Where the new PT_LOAD goes: after the highest loaded byte in both memory and file, with its
/// file offset and address differing by the same amount as the first PT_LOAD's, which keeps
/// offset ≡ address modulo the segment alignment.
///
/// The program-header table, one entry longer, stays where it is (right after the ELF header,
/// inside the first PT_LOAD) whenever room can be made there: GNU binutils (strip, objcopy)
/// always put the table right after the ELF header and lay out a segment that holds it from
/// there, so a table anywhere else breaks every program they process. The room comes from the
/// blocks that follow the table and that only program headers refer to — the interpreter name
/// (PT_INTERP) and the notes (PT_NOTE, PT_GNU_PROPERTY): they move, whole, to the start of the
/// new segment. When that cannot make room (something else follows the table), the table goes
/// to the start of the new segment instead, which every kernel and loader accepts.
/// </summary>
public sealed class NewSegmentLayout
{
    /// <summary>A block of the input image moved to the new segment, with the segments and sections inside it.</summary>
    public sealed record RelocatedBlock(ulong Offset, ulong Address, ulong Size, ulong NewOffset, ulong NewAddress)
    {
        public bool ContainsFileRange(ulong offset, ulong size) => offset >= Offset && offset + size <= Offset + Size;
        public bool ContainsAddress(ulong address, ulong size) => address >= Address && address + size <= Address + Size;
    }

    /// <summary>Relocated blocks keep their address modulo this, so every alignment inside them holds.</summary>
    private const ulong BlockAlignment = 16;

    public ulong Offset { get; }
    public ulong Address { get; }
    public ulong Alignment { get; }
    public int ProgramHeaderCount { get; }
    public ulong ProgramHeaderTableSize => (ulong)ProgramHeaderCount * ProgramHeader.Size;
    /// <summary>The table stays at e_phoff (grown into the room the relocated blocks left); otherwise it starts the new segment.</summary>
    public bool ProgramHeadersInPlace { get; }
    public IReadOnlyList<RelocatedBlock> RelocatedBlocks { get; }
    /// <summary>The first address after what starts the new segment (the relocated blocks or the table), where new sections may start.</summary>
    public ulong FirstFreeAddress { get; }

    private NewSegmentLayout(ulong offset, ulong address, ulong alignment, int programHeaderCount, bool inPlace,
        IReadOnlyList<RelocatedBlock> blocks, ulong firstFree)
    {
        Offset = offset;
        Address = address;
        Alignment = alignment;
        ProgramHeaderCount = programHeaderCount;
        ProgramHeadersInPlace = inPlace;
        RelocatedBlocks = blocks;
        FirstFreeAddress = firstFree;
    }

    public static NewSegmentLayout Plan(ElfFile elf)
    {
        var loads = elf.Segments.Where(s => s.Type == SegmentType.Load).ToList();
        if (loads.Count == 0)
            throw new Diagnostics.InputFormatException("program headers", "no PT_LOAD segment, so there is no loaded image to add a segment to");
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
        ulong address = offset + delta;
        // New code reaches old code (and the other way) with 32-bit displacements.
        if (address - loads[0].VirtualAddress > MaxSpan)
            throw new Diagnostics.InputFormatException("program headers",
                $"loaded image from 0x{loads[0].VirtualAddress:x} to 0x{address:x} spans more than 32-bit displacements between old and new code can reach");

        if (BlocksToRelocate(elf, count) is not { } moved)
            return new NewSegmentLayout(offset, address, alignment, count, inPlace: false, [], address + (ulong)count * ProgramHeader.Size);
        var blocks = new List<RelocatedBlock>();
        ulong cursor = address;
        foreach (var segment in moved)
        {
            ulong newAddress = AlignUp(cursor, BlockAlignment) + segment.VirtualAddress % BlockAlignment;
            blocks.Add(new RelocatedBlock(segment.Offset, segment.VirtualAddress, segment.FileSize, offset + (newAddress - address), newAddress));
            cursor = newAddress + segment.FileSize;
        }
        return new NewSegmentLayout(offset, address, alignment, count, inPlace: true, blocks, cursor);
    }

    /// <summary>
    /// The PT_INTERP and PT_NOTE blocks that must leave so the table of <paramref name="count"/>
    /// entries fits at e_phoff, in address order (empty when it fits already); null when the
    /// table cannot grow in place.
    /// </summary>
    private static List<ProgramHeader>? BlocksToRelocate(ElfFile elf, int count)
    {
        ulong tableStart = elf.Header.ProgramHeaderOffset;
        ulong oldEnd = tableStart + (ulong)elf.Segments.Count * ProgramHeader.Size;
        ulong newEnd = tableStart + (ulong)count * ProgramHeader.Size;
        // The table must be in the first PT_LOAD's file image (mapped at load address + e_phoff), and stay in it.
        var first = elf.Segments.FirstOrDefault(s => s.Type == SegmentType.Load);
        if (first.Type != SegmentType.Load || tableStart < first.Offset || newEnd > first.FileEnd || first.FileSize != first.MemorySize)
            return null;

        bool Overlaps(ulong start, ulong end, ulong otherStart, ulong otherEnd) => start < otherEnd && otherStart < end;
        var chosen = new List<ProgramHeader>();
        ulong needStart = oldEnd, needEnd = newEnd;
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var segment in elf.Segments)
            {
                if (segment.Type is not (SegmentType.Interp or SegmentType.Note) || segment.FileSize == 0 || chosen.Contains(segment))
                    continue;
                bool touches = Overlaps(segment.Offset, segment.FileEnd, needStart, needEnd)
                    || chosen.Any(c => Overlaps(segment.Offset, segment.FileEnd, c.Offset, c.FileEnd));
                if (!touches)
                    continue;
                // A block moves by its addresses: its file bytes must be exactly what is mapped there.
                if (segment.VirtualAddress - first.VirtualAddress != segment.Offset - first.Offset || segment.FileEnd > first.FileEnd
                    || segment.Offset < oldEnd || segment.MemorySize != segment.FileSize)
                    return null;
                chosen.Add(segment);
                grew = true;
            }
        }
        bool InsideChosen(ulong start, ulong end) => chosen.Any(c => start >= c.Offset && end <= c.FileEnd);

        // Nothing else may lie in the room the table needs or in the blocks that move.
        foreach (var section in elf.Sections)
        {
            var header = section.Header;
            if (!header.IsAllocated || !header.HasFileContents || header.Size == 0)
                continue;
            bool inRoom = Overlaps(header.Offset, header.FileEnd, oldEnd, newEnd);
            bool inBlock = chosen.Any(c => Overlaps(header.Offset, header.FileEnd, c.Offset, c.FileEnd));
            if (!inRoom && !inBlock)
                continue;
            bool movable = header.Type == SectionType.Note || section.Name == ".interp";
            if (!movable || !InsideChosen(header.Offset, header.FileEnd))
                return null;
        }
        foreach (var segment in elf.Segments)
        {
            if (segment.Type is SegmentType.Load or SegmentType.Phdr or SegmentType.Interp or SegmentType.Note || segment.FileSize == 0)
                continue;
            bool inRoom = Overlaps(segment.Offset, segment.FileEnd, oldEnd, newEnd);
            bool inBlock = chosen.Any(c => Overlaps(segment.Offset, segment.FileEnd, c.Offset, c.FileEnd));
            if ((inRoom || inBlock) && !(segment.Type == SegmentType.GnuProperty && InsideChosen(segment.Offset, segment.FileEnd)))
                return null;
        }
        // A block inside another (a PT_NOTE within a larger one) moves with the larger one; blocks
        // that overlap otherwise cannot move apart.
        var blocks = new List<ProgramHeader>();
        foreach (var block in chosen.OrderBy(c => c.Offset).ThenByDescending(c => c.FileSize))
        {
            if (blocks.Count > 0 && block.Offset < blocks[^1].FileEnd)
            {
                if (block.FileEnd > blocks[^1].FileEnd)
                    return null;
                continue;
            }
            blocks.Add(block);
        }
        // Notes first: a debug file (objcopy --only-keep-debug) keeps their contents but turns
        // .interp into SHT_NOBITS, and GNU binutils cannot place contents after a NOBITS section
        // in a segment that does not start at the file header.
        return [.. blocks.OrderBy(b => b.Type == SegmentType.Interp).ThenBy(b => b.Offset)];
    }

    private const ulong MaxGap = 4UL << 30;
    private const ulong MaxSpan = 3UL << 29; // 1.5 GiB, well inside ±2 GiB

    /// <summary>The end of everything the loader or the dynamic linker may read from the input image.</summary>

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
