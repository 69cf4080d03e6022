using System.Buffers.Binary;
using Rewriter.Analysis;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;
using Rewriter.Model;
using Rewriter.Tests.Support;
using static Rewriter.Tests.Support.ElfMutation;

namespace Rewriter.Tests.Analysis;

/// <summary>
/// Corrupt inputs that only the analysis reads (unwind tables, relocations, jump tables): a clean
/// `rewriter: error:` line and exit 1, or a function kept as it is (non-simple, with a reason) —
/// never an internal error (exit 2) or an exception other than the input-error family.
/// </summary>
public class MalformedAnalysisInputTests
{
    private static string SwitchProgram(string compiler, string flags) =>
        TestPrograms.Build("malformed-switch", CfgAgreementTests.SwitchC, compiler, flags);

    private static string LldProgram() => SwitchProgram("clang-22", "-O2 -g -fuse-ld=lld -Wl,--emit-relocs");

    /// <summary>(file offset, size) of the section named <paramref name="name"/>.</summary>
    private static (int Offset, int Size) Section(string path, string name)
    {
        using var elf = ElfFile.Open(path);
        var section = elf.FindSection(name).ShouldNotBeNull($"{path} has no {name}");
        return ((int)section.Header.Offset, (int)section.Header.Size);
    }

    private static int SectionHeaderIndex(string path, string name)
    {
        using var elf = ElfFile.Open(path);
        return elf.FindSection(name).ShouldNotBeNull($"{path} has no {name}").Index;
    }

    public static TheoryData<string, Func<string, byte[]>> EhFrameCorruptions => new()
    {
        {
            "cie-version-9", path =>
            {
                var image = File.ReadAllBytes(path);
                var (offset, _) = Section(path, ".eh_frame");
                // The first record is a CIE: length (4), CIE id 0 (4), version (1).
                BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(offset + 4)).ShouldBe(0u);
                image[offset + 8].ShouldBe((byte)1);
                image[offset + 8] = 9;
                return image;
            }
        },
        {
            "fde-length-past-section", path =>
            {
                var image = File.ReadAllBytes(path);
                var (offset, size) = Section(path, ".eh_frame");
                // The record after the first CIE is an FDE; make it run past the section.
                int cieLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(offset));
                int fde = offset + 4 + cieLength;
                BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(fde + 4)).ShouldNotBe(0u); // not a CIE
                WriteU32(image, fde, (uint)size + 0x100);
                return image;
            }
        },
        {
            "fde-length-odd", path =>
            {
                var image = File.ReadAllBytes(path);
                var (offset, _) = Section(path, ".eh_frame");
                int cieLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(offset));
                int fde = offset + 4 + cieLength;
                // One byte short: the next record starts inside this one.
                WriteU32(image, fde, BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(fde)) - 1);
                return image;
            }
        },
    };

    [Theory]
    [MemberData(nameof(EhFrameCorruptions))]
    public void Corrupt_eh_frame_is_a_clean_error_or_a_kept_function(string name, Func<string, byte[]> corrupt)
    {
        string input = Save(corrupt(LldProgram()), name);
        AnalyseDirectly(input);
        var (exitCode, stdout, stderr) = RunCli(input, name);
        if (exitCode == 1)
        {
            var errors = stderr.TrimEnd('\n').Split('\n').Where(l => !l.StartsWith("RW-INFO:")).ToList();
            errors.Count.ShouldBe(1, stderr);
            errors[0].ShouldStartWith($"rewriter: error: {input}: .eh_frame");
            stdout.ShouldBeEmpty();
        }
        else
        {
            exitCode.ShouldBe(0, stderr);
        }
    }

    [Theory]
    [InlineData(".rela.text", 5)]
    [InlineData(".rela.text", 23)]
    [InlineData(".rela.rodata", 1)]
    public void Relocation_section_size_not_a_multiple_of_24_is_an_error(string section, int extra)
    {
        string original = LldProgram();
        var image = File.ReadAllBytes(original);
        int header = SectionHeader(image, SectionHeaderIndex(original, section));
        ulong size = BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(header + 32));
        size.ShouldBeGreaterThan(24UL);
        // Shorter than before, so the contents stay inside the file: only the size is wrong.
        WriteU64(image, header + 32, size - 24 + (ulong)extra);
        string input = Save(image, "rela-" + extra);

        var (exitCode, stdout, stderr) = RunCli(input, "rela");

        exitCode.ShouldBe(1, stderr);
        stdout.ShouldBeEmpty();
        var errors = stderr.TrimEnd('\n').Split('\n').Where(l => !l.StartsWith("RW-INFO:")).ToList();
        errors.Count.ShouldBe(1, stderr);
        errors[0].ShouldStartWith($"rewriter: error: {input}: ");
        errors[0].ShouldContain(section);
    }

    public static TheoryData<string, string, string> JumpTablePrograms => new()
    {
        // PIE: 4-byte entries relative to the table (movslq (%b,%i,4); add %b; jmp *%r).
        { "clang-22", "-O2 -fuse-ld=lld -Wl,--emit-relocs", "outside" },
        { "clang-22", "-O2 -fuse-ld=lld -Wl,--emit-relocs", "mid-instruction" },
        { "clang-22", "-O2 -no-pie", "outside" },
        { "gcc", "-O2", "outside" },
        { "gcc", "-O2", "mid-instruction" },
        // Non-PIC: 8-byte absolute entries (jmp *T(,%i,8)).
        { "clang-22", "-O2 -fno-pie -no-pie", "outside" },
        { "gcc", "-O2 -fno-pie -no-pie", "outside" },
        { "gcc", "-O2 -fno-pie -no-pie", "mid-instruction" },
    };

    [Theory]
    [MemberData(nameof(JumpTablePrograms))]
    public void Jump_table_entry_outside_its_function_makes_it_non_simple(string compiler, string flags, string where)
    {
        string original = SwitchProgram(compiler, flags);
        var image = File.ReadAllBytes(original);
        ulong functionAddress, tableAddress;
        using (var elf = ElfFile.Open(original))
        {
            var context = BinaryAnalysis.Run(elf, 1, Log.Silent);
            var dispatch = context.Functions.Single(f => f.Name == "dispatch");
            dispatch.IsSimple.ShouldBeTrue(dispatch.NonSimpleReason);
            var table = dispatch.Body!.JumpTables.ShouldHaveSingleItem();
            table.Targets.Count.ShouldBeGreaterThan(3);
            functionAddress = dispatch.Address;
            tableAddress = table.Address;
            // Patch entry 2 so that it goes after the end of the function (into the next one),
            // or into the middle of the function's first instruction longer than one byte.
            ulong target = where == "outside"
                ? dispatch.End + 0x10
                : dispatch.Body.Instructions.First(i => i.Length > 1).IP + 1;
            dispatch.Body.InstructionAt(target).ShouldBe(-1);
            var section = elf.Sections.Single(s => s.Header.IsAllocated && s.Header.HasFileContents
                && table.Address >= s.Header.Address && table.Address < s.Header.Address + s.Header.Size);
            ulong entry = table.Address + 2UL * (ulong)table.EntrySize;
            int offset = (int)(section.Header.Offset + (entry - section.Header.Address));
            if (table.Kind == JumpTableKind.PositionIndependent)
            {
                table.EntrySize.ShouldBe(4);
                WriteU32(image, offset, (uint)(int)(long)(target - table.Address));
            }
            else
            {
                table.EntrySize.ShouldBe(8);
                WriteU64(image, offset, target);
            }
        }
        string input = Save(image, $"jump-table-{where}");

        using (var elf = ElfFile.Open(input))
        {
            var context = BinaryAnalysis.Run(elf, 2, Log.Silent);
            var dispatch = context.Functions.Single(f => f.Name == "dispatch");
            dispatch.Address.ShouldBe(functionAddress);
            dispatch.IsSimple.ShouldBeFalse("a jump table with an entry outside the function was accepted");
            dispatch.NonSimpleReason.ShouldNotBeNull().ShouldContain("jump table");
            dispatch.NonSimpleReason.ShouldContain($"0x{tableAddress:x}");
            // The other functions are not affected.
            context.Functions.Single(f => f.Name == "main").IsSimple.ShouldBeTrue();
        }

        var (exitCode, stdout, stderr) = CliRunner.Run(input, "-o", TestPrograms.TempPath("jt.out"), "--print-non-simple", "--print-cfg", "--dyno-stats");
        exitCode.ShouldBe(0, stderr);
        stdout.ShouldContain($"non-simple function dispatch at 0x{functionAddress:x}: ");
        stdout.Split('\n').Single(l => l.StartsWith("non-simple function dispatch ")).ShouldContain("jump table");
    }

    /// <summary>Analysis of a corrupt file either works or throws the input-error family, nothing else.</summary>
    private static void AnalyseDirectly(string input)
    {
        try
        {
            using var elf = ElfFile.Open(input);
            var context = BinaryAnalysis.Run(elf, 2, Log.Silent);
            foreach (var function in context.Functions.Where(f => !f.IsSimple))
                function.NonSimpleReason.ShouldNotBeNullOrWhiteSpace(function.Name);
        }
        catch (InputFormatException)
        {
            // a malformed-input error: the CLI turns it into `rewriter: error:` and exit 1
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) RunCli(string input, string name)
    {
        string output = TestPrograms.TempPath(name + ".out");
        var result = CliRunner.Run(input, "-o", output, "-v", "--print-cfg", "--dyno-stats", "--print-non-simple");
        result.ExitCode.ShouldNotBe(2, $"internal error:\n{result.Stderr}");
        result.Stderr.ShouldNotContain("internal error");
        if (result.ExitCode != 0)
            File.Exists(output).ShouldBeFalse();
        return result;
    }
}
