using System.Buffers.Binary;
using Rewriter.Elf;
using Rewriter.Elf.Reading;

namespace Rewriter.Emission;

/// <summary>
/// Non-relocation mode: the 8-byte words of allocated data that may hold a code address, for
/// <see cref="InPlaceEligibility"/> to find pointers into the middle of functions.
///
/// A position-independent image (ET_DYN: a PIE or a shared object) is loaded at an address chosen
/// at run time, so an absolute address stored in its data is only right once the loader has added
/// the load base to it — and the loader does that only where a dynamic relocation says so
/// (RELATIVE/IRELATIVE addends, RELR places, a symbol plus an addend). A word that no dynamic
/// relocation names can therefore never be a code address when the program runs, whatever its
/// value looks like; such words are constants (gcc keeps tables of them in .rodata that often fall
/// inside .text's address range, which starts near 0 in a PIE). So in such an image only the
/// relocated words are candidates; every one of them is, so no real pointer is missed.
/// A fixed-address image (ET_EXEC) needs no relocation for a pointer, so every aligned word of
/// allocated data that is not code is a candidate there.
/// </summary>
public static class DataCodePointers
{
    /// <summary>What a candidate is: where it lies, the address it names, and a description for the log.</summary>
    public delegate void Visitor(ulong place, ulong value, string where);

    /// <summary>
    /// Calls <paramref name="visit"/> for every candidate whose value lies in (<paramref name="low"/>,
    /// <paramref name="high"/>) — the span of the functions looked at; others cannot concern them.
    /// </summary>
    public static void Visit(ElfFile elf, ulong low, ulong high, Visitor visit)
    {
        bool positionIndependent = elf.Header.Type == ElfType.SharedObject;
        var dynamicSymbols = SymbolTable.Find(elf, ".dynsym");
        foreach (var section in elf.Sections)
        {
            var header = section.Header;
            if (!header.IsAllocated || header.Type == SectionType.NoBits)
                continue;
            if (header.Type is SectionType.Rela)
                VisitRelocations(elf, section, dynamicSymbols, low, high, visit);
            else if (header.Type is SectionType.Relr && positionIndependent)
                VisitRelrPlaces(elf, section, low, high, visit);
            else if (!positionIndependent && (header.Flags & SectionFlags.ExecInstr) == 0
                && section.Name is not (".eh_frame" or ".eh_frame_hdr" or ".gcc_except_table"))
                VisitWords(elf, section, low, high, visit);
        }
    }

    private static void VisitRelocations(ElfFile elf, ElfSection section, SymbolTable? dynamicSymbols, ulong low, ulong high, Visitor visit)
    {
        var relocations = RelocationSection.Read(elf, section);
        for (int i = 0; i < relocations.Count; i++)
        {
            var relocation = relocations[i];
            ulong? value = relocation.Type switch
            {
                X86RelocationType.Relative or X86RelocationType.IRelative => (ulong)relocation.Addend,
                // A symbol plus an addend can name the middle of a function of this image.
                X86RelocationType.R64 when dynamicSymbols != null && relocation.SymbolIndex > 0 && relocation.SymbolIndex < dynamicSymbols.Count
                    && dynamicSymbols[(int)relocation.SymbolIndex] is { IsDefined: true } symbol
                    => symbol.Value + (ulong)relocation.Addend,
                _ => null,
            };
            if (value is { } v && v > low && v < high)
                visit(relocation.Offset, v, "a dynamic relocation");
        }
    }

    /// <summary>A RELR entry names a place; the word there is the address (before the load base is added).</summary>
    private static void VisitRelrPlaces(ElfFile elf, ElfSection section, ulong low, ulong high, Visitor visit)
    {
        foreach (ulong place in RelrDecoder.Decode(elf.GetRawContents(section), $"section {section}"))
        {
            if (ReferencePatcher.FileOffset(elf, place) is not { } offset || offset + 8 > (ulong)elf.Length)
                continue;
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(elf.Image[(int)offset..]);
            if (value > low && value < high)
                visit(place, value, "a RELR-relocated word");
        }
    }

    private static void VisitWords(ElfFile elf, ElfSection section, ulong low, ulong high, Visitor visit)
    {
        var header = section.Header;
        var bytes = elf.GetRawContents(section);
        // PERF: one pass over 8-byte words; the caller's binary search only for words inside the span.
        int first = (int)((8 - header.Address % 8) % 8);
        for (int offset = first; offset + 8 <= bytes.Length; offset += 8)
        {
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..]);
            if (value > low && value < high)
                visit(header.Address + (ulong)offset, value, $"a word in {section.Name}");
        }
    }
}
