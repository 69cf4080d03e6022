using Rewriter.Diagnostics;
using Rewriter.Elf;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;

namespace Rewriter.Cli;

/// <summary>
/// Reads the tables a rewrite depends on so that corrupt ones are reported before any output is
/// written, and warns about content we carry over without understanding. Every address and size
/// later arithmetic relies on is checked here: symbols stay inside the address space and name
/// sections that exist, and every FDE describes code.
/// </summary>
public static class InputChecks
{
    public static void Run(ElfFile elf, Log log)
    {
        // Nothing could load it, and the output's program header table is written where it was.
        if (elf.Header.ProgramHeaderCount == 0)
            throw new InputFormatException("ELF header", "a linked program without program headers (e_phnum is 0) cannot be loaded");
        foreach (var section in elf.Sections)
        {
            switch (section.Header.Type)
            {
                case SectionType.SymTab or SectionType.DynSym:
                    var symbols = SymbolTable.Read(elf, section);
                    for (int i = 0; i < symbols.Count; i++)
                        CheckSymbol(elf, section, symbols, i);
                    log.Info($"{section}: {symbols.Count} symbols");
                    break;
                case SectionType.Rela:
                    log.Info($"{section}: {RelocationSection.Read(elf, section).Count} relocations");
                    break;
                case SectionType.Relr:
                    RelrDecoder.Decode(elf.GetRawContents(section), $"section {section}");
                    break;
            }
            if ((section.Header.Flags & SectionFlags.Compressed) != 0)
                SectionContents.Read(elf, section); // a corrupt stream is bad input before anything is written
        }
        DynamicSection.Read(elf);
        CheckFrames(elf);
        if (Notes.BuildId(elf) is { } buildId)
            log.Info($"build-id {buildId}");
    }

    private static void CheckSymbol(ElfFile elf, ElfSection section, SymbolTable symbols, int index)
    {
        var symbol = symbols[index];
        symbols.GetNameBytes(symbol);
        bool inSection = symbol.SectionIndex is > SectionIndex.Undefined and < SectionIndex.LoReserve;
        string? problem = null;
        if (inSection && symbol.SectionIndex >= elf.Sections.Count)
            problem = $"section index {symbol.SectionIndex} out of range ({elf.Sections.Count} sections)";
        else if (symbol.Type != SymbolType.Tls && inSection && elf.Sections[symbol.SectionIndex].Header.IsAllocated
                 && (symbol.Value > ElfFile.UserAddressLimit || symbol.Size > ElfFile.UserAddressLimit - symbol.Value))
            problem = $"value 0x{symbol.Value:x} and size 0x{symbol.Size:x} reach past the x86-64 user address space";
        if (problem != null)
            throw InputFormatException.At(section.Name, (ulong)index * ElfSymbol.Size64, $"symbol {index} ({symbols.GetName(symbol)}): {problem}");
    }

    /// <summary>
    /// Every FDE must describe code: one that points elsewhere (a corrupt pointer encoding, say)
    /// would otherwise be carried into the output as if it unwound something. An FDE at address 0
    /// describes nothing (the leftover of discarded code) and is allowed.
    /// </summary>
    private static void CheckFrames(ElfFile elf)
    {
        if (EhFrameReader.Read(elf) is not { } frames)
            return;
        foreach (var cie in frames.Cies)
        {
            CheckCie(cie);
            // The personality pointer (or its GOT slot, when indirect) is re-encoded for the new .eh_frame.
            if (cie.Augmentation.Contains('P') && !InImage(elf, cie.Personality))
                throw InputFormatException.At(".eh_frame", (ulong)cie.Offset, $"CIE: personality 0x{cie.Personality:x} is in no section");
        }
        var code = elf.Sections.Where(s => (s.Header.Flags & SectionFlags.ExecInstr) != 0 && s.Header.IsAllocated).Select(s => s.Header).ToList();
        foreach (var fde in frames.Fdes)
        {
            if (fde.Lsda is { } lsda && lsda != 0 && !InImage(elf, lsda))
                throw InputFormatException.At(".eh_frame", (ulong)fde.Offset, $"FDE's LSDA pointer 0x{lsda:x} is in no section");
            if (fde.PcBegin == 0)
                continue;
            if (!code.Any(c => fde.PcBegin >= c.Address && fde.PcBegin < c.Address + c.Size && fde.PcRange <= c.Address + c.Size - fde.PcBegin))
                throw InputFormatException.At(".eh_frame", (ulong)fde.Offset,
                    $"FDE for [0x{fde.PcBegin:x}, +0x{fde.PcRange:x}) lies outside the program's code");
        }
    }

    /// <summary>
    /// What the .eh_frame writer must reproduce for moved code: byte-aligned code, the augmentation
    /// letters of GCC and LLVM, and pointers stored absolute or pc-relative (LSDA pointers in a
    /// fixed size).
    /// </summary>
    private static void CheckCie(Cie cie)
    {
        string? problem = null;
        if (cie.CodeAlignment != 1)
            problem = $"code alignment factor {cie.CodeAlignment} is not 1";
        else if (cie.Augmentation.Length > 0 && (cie.Augmentation[0] != 'z' || cie.Augmentation.Skip(1).Any(c => c is not ('R' or 'P' or 'L' or 'S' or 'B' or 'G'))))
            problem = $"augmentation \"{cie.Augmentation}\" is not supported";
        else if (cie.Augmentation.Contains('R') && !Writable(cie.FdeEncoding))
            problem = $"FDE pointer encoding 0x{cie.FdeEncoding:x2} is not supported";
        else if (cie.Augmentation.Contains('L') && cie.LsdaEncoding != PointerEncoding.Omit && (!Writable(cie.LsdaEncoding) || PointerEncoding.FixedSize(cie.LsdaEncoding) == 0))
            problem = $"LSDA pointer encoding 0x{cie.LsdaEncoding:x2} is not supported";
        else if (cie.Augmentation.Contains('P') && !Writable((byte)(cie.PersonalityEncoding & ~PointerEncoding.Indirect)))
            problem = $"personality pointer encoding 0x{cie.PersonalityEncoding:x2} is not supported";
        if (problem != null)
            throw InputFormatException.At(".eh_frame", (ulong)cie.Offset, $"CIE: {problem}");
    }

    private static bool InImage(ElfFile elf, ulong address) =>
        elf.Sections.Any(s => s.Header.IsAllocated && address >= s.Header.Address && address - s.Header.Address < s.Header.Size);

    /// <summary>Stored absolute or pc-relative, in one of the DWARF value formats.</summary>
    private static bool Writable(byte encoding) =>
        (encoding & 0x70) is 0 or PointerEncoding.PcRelative
        && (encoding & 0x0f) is PointerEncoding.Absolute or PointerEncoding.UData2 or PointerEncoding.UData4 or PointerEncoding.UData8
            or PointerEncoding.SData2 or PointerEncoding.SData4 or PointerEncoding.SData8 or PointerEncoding.Uleb128 or PointerEncoding.Sleb128;
}
