using Rewriter.Diagnostics;
using Rewriter.Elf;
using Rewriter.Elf.Reading;

namespace Rewriter.Cli;

/// <summary>
/// Reads the tables a rewrite depends on so that corrupt ones are reported before any output is
/// written, and warns about content we carry over without understanding.
/// </summary>
public static class InputChecks
{
    public static void Run(ElfFile elf, Log log)
    {
        foreach (var section in elf.Sections)
        {
            switch (section.Header.Type)
            {
                case SectionType.SymTab or SectionType.DynSym:
                    var symbols = SymbolTable.Read(elf, section);
                    for (int i = 0; i < symbols.Count; i++)
                        symbols.GetNameBytes(symbols[i]);
                    log.Info($"{section}: {symbols.Count} symbols");
                    break;
                case SectionType.Rela:
                    log.Info($"{section}: {RelocationSection.Read(elf, section).Count} relocations");
                    break;
                case SectionType.Relr:
                    RelrDecoder.Decode(elf.GetRawContents(section), $"section {section}");
                    break;
            }
            if ((section.Header.Flags & SectionFlags.Compressed) != 0
                && !SectionContents.TryRead(elf, section, out _, out var problem))
                log.Warning($"{elf.Path}: section {section}: {problem}");
        }
        DynamicSection.Read(elf);
        if (Notes.BuildId(elf) is { } buildId)
            log.Info($"build-id {buildId}");
    }
}
