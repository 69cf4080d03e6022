using Rewriter.Elf.Reading;
using Rewriter.Tests.Support;

namespace Rewriter.Tests.Cli;

/// <summary>verify-debug's command line: usage errors and bad split files, each one line on stderr.</summary>
public class VerifyDebugArgumentsTests
{
    [Fact]
    public void Usage_error_is_one_line_on_stderr()
    {
        string program = TestPrograms.Hello();
        var (exitCode, stdout, stderr) = CliRunner.Run("verify-debug", program);
        exitCode.ShouldBe(1);
        stdout.ShouldBeEmpty();
        stderr.Trim().ShouldBe($"rewriter: error: {program}: command line: verify-debug needs ORIGINAL and REWRITTEN (rewriter verify-debug ORIGINAL REWRITTEN [--split FILE ...])");
    }

    [Fact]
    public void A_missing_rewritten_file_is_named()
    {
        string program = TestPrograms.Hello();
        var (exitCode, stdout, stderr) = CliRunner.Run("verify-debug", program, "/no/such/output");
        exitCode.ShouldBe(Rewriter.Cli.VerifyDebugCommand.UnreadableInput);
        stdout.ShouldBeEmpty();
        stderr.Trim().ShouldBe("rewriter: error: /no/such/output: input: no such file");
    }

    [Fact]
    public void A_file_compared_with_itself_under_another_name_has_no_difference()
    {
        string program = TestPrograms.Hello();
        var directory = Directory.CreateTempSubdirectory("rw-verify-link-");
        try
        {
            string link = Path.Combine(directory.FullName, "program");
            File.CreateSymbolicLink(link, program);
            var (exitCode, stdout, _) = CliRunner.Run("verify-debug", program, link);
            exitCode.ShouldBe(0, stdout);
            stdout.ShouldContain("RW-INFO: verify-debug: no differences");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_bad_split_file_is_blamed_on_itself()
    {
        string program = TestPrograms.Build("split", "int f(int x) { return x + 1; }\nint main(void) { return f(1); }\n", "clang-22", "-O0 -g -gsplit-dwarf");
        string dwo = Directory.GetFiles(Path.GetDirectoryName(program)!, "*.dwo").Single(f => Path.GetFileName(f).StartsWith(Path.GetFileName(program)));
        byte[] image = File.ReadAllBytes(dwo);
        using (var elf = ElfFile.Open(dwo, allowRelocatable: true))
        {
            var info = elf.FindSection(".debug_info.dwo").ShouldNotBeNull();
            ElfMutation.WriteU16(image, (int)info.Header.Offset + 4, 9); // DWARF version 9
        }
        string bad = ElfMutation.Save(image, "bad.dwo");

        var (exitCode, stdout, stderr) = CliRunner.Run("verify-debug", program, program, "--split", bad);

        exitCode.ShouldBe(Rewriter.Cli.VerifyDebugCommand.UnreadableInput);
        stdout.ShouldBeEmpty();
        stderr.Trim().ShouldBe($"rewriter: error: {bad}: .debug_info.dwo+0x0: unsupported DWARF version 9");
    }
}
