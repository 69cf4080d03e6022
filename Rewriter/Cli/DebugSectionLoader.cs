using Rewriter.DebugUpdate.Reading;
using Rewriter.Elf.Reading;

namespace Rewriter.Cli;

/// <summary>
/// Hands the DWARF layer its input: the .debug_* (and .gdb_index) sections of an ELF file,
/// inflated when compressed. The sections view the mapped file, so keep the ElfFile open while
/// they are in use.
/// </summary>
public static class DebugSectionLoader
{
    public static DebugSections Load(ElfFile elf)
    {
        var sections = new DebugSections { File = elf.Path };
        foreach (var section in elf.Sections)
        {
            bool debug = section.Name.StartsWith(".debug_", StringComparison.Ordinal) || section.Name == ".gdb_index";
            if (debug && section.Header.HasFileContents)
                sections.Set(section.Name, SectionContents.Read(elf, section));
        }
        return sections;
    }
}
