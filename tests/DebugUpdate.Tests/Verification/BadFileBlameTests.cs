using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;

namespace Rewriter.DebugUpdate.Tests.Verification;

/// <summary>
/// A DWARF error names the file of the sections it was read from (<see cref="DebugSections.File"/>),
/// so verify-debug blames the bad file whichever side of the comparison it is on, and whether the
/// bad bytes are read when the file opens or only when a comparison reaches them.
/// </summary>
public sealed class BadFileBlameTests
{
    private static DebugSections Copy(DebugSections sections, string file, string? corrupt = null, int at = 0, byte value = 0)
    {
        var copy = new DebugSections(sections.Names.Select(n => KeyValuePair.Create(n, sections.Get(n)))) { File = file };
        if (corrupt != null)
        {
            var bytes = copy.Get(corrupt).ToArray();
            bytes[at] = value;
            copy.Set(corrupt, bytes);
        }
        return copy;
    }

    [ClangTheory]
    [InlineData(DebugSectionNames.Line, 4)]   // the first line table's version: read when a comparison reaches the line tables
    [InlineData(DebugSectionNames.Info, 4)]   // the first unit's version: read when the file opens
    public void The_error_names_the_bad_file_on_either_side(string section, int at)
    {
        var program = CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-5", false);
        var good = Copy(program.Sections, "original.elf");
        var bad = Copy(program.Sections, "rewritten.elf", section, at, 0x63);

        var badAfter = Should.Throw<DwarfFormatException>(() =>
            DebugVerifier.Compare(new DebugInput(good, []), new DebugInput(bad, []), CodeAddressMap.Identity));
        badAfter.File.ShouldBe("rewritten.elf");
        badAfter.Section.ShouldBe(section);

        var badBefore = Should.Throw<DwarfFormatException>(() =>
            DebugVerifier.Compare(new DebugInput(Copy(bad, "original.elf"), []), new DebugInput(Copy(good, "rewritten.elf"), []), CodeAddressMap.Identity));
        badBefore.File.ShouldBe("original.elf");
    }
}
