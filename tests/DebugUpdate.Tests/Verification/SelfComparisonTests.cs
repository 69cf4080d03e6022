using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;

namespace Rewriter.DebugUpdate.Tests.Verification;

/// <summary>
/// Two inputs with byte-identical debug sections (and no moved code) are compared by reading one
/// of them once and comparing it with itself. That must find what comparing two separate readings
/// finds: the same counts of everything compared, and the same error for a malformed input.
/// </summary>
public sealed class SelfComparisonTests
{
    public static TheoryData<string, string, string, bool> Configurations => CompiledProgramTests.Configurations;

    /// <summary>The sections of <paramref name="sections"/> as a separate copy of the bytes (another file with the same contents).</summary>
    private static DebugSections Copy(DebugSections sections, string file) =>
        new(sections.Names.Select(n => KeyValuePair.Create(n, (ReadOnlyMemory<byte>)sections.Get(n).ToArray()))) { File = file };

    private static VerificationReport CompareTwoReadings(DebugSections original, DebugSections rewritten, IReadOnlyList<DebugSections> splitFiles) =>
        DebugVerifier.Compare(DwarfFile.Open(original, splitFiles), DwarfFile.Open(rewritten, splitFiles), CodeAddressMap.Identity);

    [ClangTheory]
    [MemberData(nameof(Configurations))]
    public void Comparing_with_itself_counts_what_two_readings_count(string compiler, string language, string flags, bool dwp)
    {
        var program = CompiledProgram.Get(compiler, language, flags, dwp);
        var copy = Copy(program.Sections, "copy.elf");

        var self = DebugVerifier.Compare(new DebugInput(program.Sections, program.SplitFiles), new DebugInput(copy, program.SplitFiles), CodeAddressMap.Identity);
        var twoReadings = CompareTwoReadings(program.Sections, copy, program.SplitFiles);

        self.HasDifferences.ShouldBeFalse(self.ToString());
        self.Summary().ShouldBe(twoReadings.Summary());
        self.AttributesCompared.ShouldBe(twoReadings.AttributesCompared);
        self.LineRowsCompared.ShouldBeGreaterThan(0);
    }

    public enum Malformation { ReferenceOutsideUnit, StringOffsetOutsideSection }

    [ClangTheory]
    [InlineData(Malformation.ReferenceOutsideUnit)]
    [InlineData(Malformation.StringOffsetOutsideSection)]
    public void A_malformation_on_both_sides_is_rejected_as_by_two_readings(Malformation malformation)
    {
        var program = CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-4", false);
        var bad = Copy(program.Sections, "bad.elf");
        var info = bad.Get(DebugSectionNames.Info).ToArray();
        var value = FindValue(program.Open().Units[0], malformation);
        BitConverter.GetBytes(0x7fff_fff0u).CopyTo(info, value.ValueOffset);
        bad.Set(DebugSectionNames.Info, info);
        var badCopy = Copy(bad, "bad.elf");

        var self = Should.Throw<DwarfFormatException>(() =>
            DebugVerifier.Compare(new DebugInput(bad, []), new DebugInput(badCopy, []), CodeAddressMap.Identity));
        var twoReadings = Should.Throw<DwarfFormatException>(() => CompareTwoReadings(bad, badCopy, []));

        self.Message.ShouldBe(twoReadings.Message);
        self.Section.ShouldBe(malformation == Malformation.ReferenceOutsideUnit ? DebugSectionNames.Info : DebugSectionNames.Str);
    }

    /// <summary>The first 4-byte value of the kind to break: a DW_FORM_ref4 DW_AT_type, or a DW_FORM_strp DW_AT_name.</summary>
    private static AttributeValue FindValue(DwarfUnit unit, Malformation malformation)
    {
        var (name, form) = malformation == Malformation.ReferenceOutsideUnit ? (DwAt.Type, DwForm.Ref4) : (DwAt.Name, DwForm.Strp);
        for (int die = 0; die < unit.Dies.Count; die++)
            foreach (var attribute in unit.Attributes(die))
                if (attribute.Name == name && attribute.Form == form)
                    return attribute;
        throw new InvalidOperationException($"no {name} in {form} form in {unit}");
    }
}
