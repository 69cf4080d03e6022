using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;
using Xunit.Abstractions;

namespace Rewriter.DebugUpdate.Tests.Verification;

public sealed class DebugVerifierTests(ITestOutputHelper output)
{
    // Every program the reader tests compile: `verify-debug X X` must find nothing in any of them.
    public static TheoryData<string, string, string, bool> Configurations => CompiledProgramTests.Configurations;

    private static CompiledProgram Program(string language, string flags, bool dwp) =>
        CompiledProgram.Get(Enum.Parse<SampleSources.Language>(language), flags, dwp);

    private static DebugInput Input(CompiledProgram program) => new(program.Sections, program.SplitFiles);

    [ClangTheory]
    [MemberData(nameof(Configurations))]
    public void A_program_compared_with_itself_has_no_difference(string compiler, string language, string flags, bool dwp)
    {
        var program = CompiledProgram.Get(compiler, language, flags, dwp);
        var report = DebugVerifier.Compare(Input(program), Input(program), CodeAddressMap.Identity);
        output.WriteLine(report.ToString());
        report.HasDifferences.ShouldBeFalse(report.ToString());
        report.DiesCompared.ShouldBeGreaterThan(50);
        report.LineRowsCompared.ShouldBeGreaterThan(20);
        report.RangesCompared.ShouldBeGreaterThan(3);
    }

    [ClangFact]
    public void A_moved_line_row_is_caught()
    {
        var program = Program("C", "-O1 -g -gdwarf-5", false);
        var file = program.Open();
        var table = file.Units[0].ReadLineTable()!;
        var line = program.Sections.Get(DebugSectionNames.Line).ToArray();
        // Find the first special opcode in the program whose address advance can grow by one
        // without changing its line advance (adding line_range does exactly that).
        var header = table.Header;
        int at = FirstSpecialOpcode(line, header);
        line[at] += header.LineRange;
        var rewritten = program.Sections.Clone();
        rewritten.Set(DebugSectionNames.Line, line);

        var report = DebugVerifier.Compare(Input(program), new DebugInput(rewritten, program.SplitFiles), CodeAddressMap.Identity);
        output.WriteLine(report.ToString());
        report.Count(DifferenceKind.LineTable).ShouldBeGreaterThan(0);
        report.Count(DifferenceKind.Extra).ShouldBeGreaterThan(0);
        report.Differences.ShouldContain(d => d.Path.StartsWith("line table 0x0 of CU main.c"));
    }

    [ClangFact]
    public void A_shortened_range_is_caught()
    {
        var program = Program("C", "-O1 -g -gdwarf-5", false);
        var file = program.Open();
        var unit = file.Units[0];
        int main = FindSubprogram(unit, "main");
        unit.TryGetAttribute(main, DwAt.HighPc, out var highPc).ShouldBeTrue();
        highPc.Kind.ShouldBe(AttributeValueKind.Constant);
        var info = program.Sections.Get(DebugSectionNames.Info).ToArray();
        info[highPc.ValueOffset] -= 1; // one byte shorter (length form)
        var rewritten = program.Sections.Clone();
        rewritten.Set(DebugSectionNames.Info, info);

        var report = DebugVerifier.Compare(Input(program), rewritten, CodeAddressMap.Identity);
        output.WriteLine(report.ToString());
        report.Differences.ShouldContain(d => d.Kind == DifferenceKind.Ranges && d.Path == "CU main.c / subprogram main");
    }

    [ClangFact]
    public void A_range_cut_in_half_is_caught()
    {
        var program = Program("C", "-O2 -g -gdwarf-4", false);
        var file = program.Open();
        var unit = file.Units[0];
        int main = FindSubprogram(unit, "main");
        unit.TryGetAttribute(main, DwAt.HighPc, out var highPc).ShouldBeTrue();
        var info = program.Sections.Get(DebugSectionNames.Info).ToArray();
        // Cut main in half: line rows in the second half now fall outside its range.
        var range = unit.GetRanges(main)!.Single();
        BitConverter.GetBytes((uint)(range.Length / 2)).CopyTo(info, highPc.ValueOffset);
        var rewritten = program.Sections.Clone();
        rewritten.Set(DebugSectionNames.Info, info);

        var report = DebugVerifier.Compare(Input(program), rewritten, CodeAddressMap.Identity);
        output.WriteLine(report.ToString());
        report.Differences.ShouldContain(d => d.Kind == DifferenceKind.Ranges && d.Path == "CU main.c / subprogram main");
    }

    [ClangFact]
    public void A_renamed_die_is_caught()
    {
        var program = Program("C", "-O1 -g -gdwarf-5", false);
        var unit = program.Open().Units[0];
        int main = FindSubprogram(unit, "main");
        int other = FindSubprogram(unit, "accumulate", withCode: false);
        unit.TryGetAttribute(main, DwAt.Name, out var mainName).ShouldBeTrue();
        unit.TryGetAttribute(other, DwAt.Name, out var otherName).ShouldBeTrue();
        mainName.Form.ShouldBe(otherName.Form);
        var info = program.Sections.Get(DebugSectionNames.Info).ToArray();
        int size = FormSizes.FixedSize(mainName.Form, unit.Encoding);
        Array.Copy(info, otherName.ValueOffset, info, mainName.ValueOffset, size);
        var rewritten = program.Sections.Clone();
        rewritten.Set(DebugSectionNames.Info, info);

        var report = DebugVerifier.Compare(Input(program), rewritten, CodeAddressMap.Identity);
        output.WriteLine(report.ToString());
        report.Differences.ShouldContain(d => d.Kind == DifferenceKind.Attribute && d.Path == "CU main.c / subprogram main"
            && d.Message.Contains("\"accumulate\" in the output"));
        report.WriteTo(TextWriter.Null);
    }

    [ClangFact]
    public void A_wrong_translation_is_caught_everywhere()
    {
        var program = Program("C", "-O1 -g -gdwarf-5", false);
        // Pretend the rewriter moved all code by 0x100 but the debug info was not updated.
        var unit = program.Open().Units[0];
        var starts = unit.ReadLineTable()!.Rows.Select(r => r.Address).Distinct().Order().ToArray();
        var code = AddressRange.Normalize(Enumerable.Range(0, unit.Dies.Count).SelectMany(d => unit.GetRanges(d) ?? [])).Single();
        var moved = new CodeAddressMap(starts, [.. starts.Select(a => a + 0x100)], null,
            [new CodeAddressMap.Fragment(code.Start, code.End, code.Start + 0x100, code.Length)]);
        var report = DebugVerifier.Compare(Input(program), Input(program), moved);
        report.Count(DifferenceKind.LineTable).ShouldBeGreaterThan(0);
        report.Count(DifferenceKind.Ranges).ShouldBeGreaterThan(0);
        report.Summary().ShouldContain("differences");
    }

    private static int FindSubprogram(DwarfUnit unit, string name, bool withCode = true)
    {
        for (int i = 0; i < unit.Dies.Count; i++)
            if (unit.TagOf(i) == DwTag.Subprogram && unit.GetName(i) == name && (!withCode || unit.GetRanges(i) is not null))
                return i;
        throw new InvalidOperationException($"no subprogram {name}");
    }

    private static int FirstSpecialOpcode(byte[] line, LineProgramHeader header)
    {
        // Walk the program like the reader does, but only to find a special opcode's position.
        int position = (int)header.ProgramOffset;
        while (position < header.End)
        {
            byte opcode = line[position];
            if (opcode >= header.OpcodeBase)
            {
                if (opcode + header.LineRange <= 255 && (opcode - header.OpcodeBase) / header.LineRange > 0)
                    return position;
                position++;
                continue;
            }
            var cursor = new DwarfCursor(line, DebugSectionNames.Line);
            cursor.Seek(position + 1);
            if (opcode == 0)
                cursor.Skip(cursor.ReadUleb());
            else
                for (int i = 0; i < header.StandardOpcodeLengths[opcode - 1]; i++)
                    if (opcode == (byte)DwLns.FixedAdvancePc) cursor.ReadU16(); else cursor.ReadUleb();
            position = cursor.Position;
        }
        throw new InvalidOperationException("no special opcode");
    }
}
