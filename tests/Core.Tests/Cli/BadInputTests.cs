using Rewriter.Tests.Support;
using static Rewriter.Tests.Support.ElfMutation;

namespace Rewriter.Tests.Cli;

/// <summary>
/// Each class of bad input gives one `rewriter: error: FILE: where: what` line, exit code 1, no
/// output file, and leaves the input as it was.
/// </summary>
public class BadInputTests
{
    private static byte[] Original() => File.ReadAllBytes(TestPrograms.Hello());

    public static TheoryData<string, Func<byte[], byte[]>, string> Cases => new()
    {
        { "not-elf", _ => "#!/bin/sh\necho hi\n"u8.ToArray(), "ELF header: not an ELF file" },
        { "empty", _ => [], "ELF header: not an ELF file" },
        { "elf32", b => { b[4] = 1; return b; }, "ELF header: unsupported ELF class ELFCLASS32" },
        { "big-endian", b => { b[5] = 2; return b; }, "ELF header: unsupported data encoding big-endian" },
        { "aarch64", b => { WriteU16(b, 18, 183); return b; }, "ELF header: unsupported machine 183" },
        { "relocatable", b => { WriteU16(b, 16, 1); return b; }, "ELF header: unsupported ELF type relocatable object" },
        { "truncated-header", b => b[..40], "ELF header: file is truncated" },
        { "truncated-tables", b => b[..(int)(SectionHeaderOffset(b) + 100)], "section header table: contents" },
        { "section-past-end", b => { WriteU64(b, SectionHeader(b, 1) + 24, 0x7fff_0000); return b; }, "section header 1: contents [0x7fff0000" },
        { "segment-past-end", b => { WriteU64(b, ProgramHeader(b, 1) + 32, 0x7fff_0000); return b; }, "program header 1 (INTERP): contents [0x318, 0x7fff0318) extend past the end of the file" },
        { "shstrndx-out-of-range", b => { WriteU16(b, 62, (ushort)(SectionCount(b) + 3)); return b; }, "ELF header: section name string table index" },
        { "name-out-of-range", b => { WriteU32(b, SectionHeader(b, 2), 0x00ff_ffff); return b; }, "section header 2: name offset 0xffffff out of range of .shstrtab" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_one_error_line_and_no_output(string name, Func<byte[], byte[]> corrupt, string expected)
    {
        string input = Save(corrupt(Original()), name);
        byte[] before = File.ReadAllBytes(input);
        string output = TestPrograms.TempPath(name + ".out");

        var (exitCode, stdout, stderr) = CliRunner.Run(input, "-o", output);

        exitCode.ShouldBe(1);
        stdout.ShouldBeEmpty();
        stderr.ShouldStartWith($"rewriter: error: {input}: {expected}");
        stderr.TrimEnd('\n').ShouldNotContain('\n'); // one line
        File.Exists(output).ShouldBeFalse();
        Directory.GetFiles(Path.GetDirectoryName(output)!, $".{Path.GetFileName(output)}*").ShouldBeEmpty();
        File.ReadAllBytes(input).ShouldBe(before);
    }

    [Fact]
    public void Missing_input_is_reported()
    {
        string output = TestPrograms.TempPath("missing.out");
        var (exitCode, _, stderr) = CliRunner.Run("/no/such/input", "-o", output);
        exitCode.ShouldBe(1);
        stderr.Trim().ShouldBe("rewriter: error: /no/such/input: input: no such file");
        File.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void Unwritable_output_is_reported()
    {
        var (exitCode, _, stderr) = CliRunner.Run(TestPrograms.Hello(), "-o", "/no/such/dir/out");
        exitCode.ShouldBe(1);
        stderr.Trim().ShouldBe("rewriter: error: /no/such/dir/out: output: cannot write: no such directory");
    }

    [Fact]
    public void Output_over_the_input_is_refused()
    {
        string input = Save(Original(), "self");
        byte[] before = File.ReadAllBytes(input);
        var (exitCode, _, stderr) = CliRunner.Run(input, "-o", input);
        exitCode.ShouldBe(1);
        stderr.ShouldContain("cannot write the output over the input");
        File.ReadAllBytes(input).ShouldBe(before);
    }
}
