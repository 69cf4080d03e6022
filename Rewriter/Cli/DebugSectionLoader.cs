using Rewriter.DebugUpdate.Reading;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;

namespace Rewriter.Cli;

/// <summary>
/// Hands the DWARF layer its input: the .debug_* (and .gdb_index) sections of an ELF file,
/// inflated when compressed. The sections view the mapped file, so keep the ElfFile open while
/// they are in use.
/// </summary>
public static class DebugSectionLoader
{
    /// <param name="unreadable">when given, receives the names of debug sections that could not be read</param>
    public static DebugSections Load(ElfFile elf, Log log, List<string>? unreadable = null)
    {
        var sections = new DebugSections { File = elf.Path };
        foreach (var section in elf.Sections)
        {
            bool debug = section.Name.StartsWith(".debug_", StringComparison.Ordinal) || section.Name == ".gdb_index";
            if (!debug || !section.Header.HasFileContents)
                continue;
            if (SectionContents.TryRead(elf, section, out var contents, out var problem))
                sections.Set(section.Name, contents);
            else
            {
                log.Warning($"{elf.Path}: section {section}: {problem}");
                unreadable?.Add(section.Name);
            }
        }
        return sections;
    }
}
