using System.Diagnostics;
using Rewriter.Tests.Support;

namespace Rewriter.Tests.Cli;

/// <summary>
/// Nothing is lost: an output that is the input under another name (symbolic link, hard link,
/// /proc/self/fd/N) is refused, as are outputs that are not regular files and inputs that are not.
/// </summary>
public class FileSafetyTests
{
    private static string CopyOfInput(string name)
    {
        string input = TestPrograms.TempPath(name);
        File.Copy(TestPrograms.Hello(), input);
        return input;
    }

    [Fact]
    public void Output_naming_the_input_through_a_symbolic_link_is_refused()
    {
        string input = CopyOfInput("symlinked");
        byte[] before = File.ReadAllBytes(input);
        string link = TestPrograms.TempPath("link");
        File.CreateSymbolicLink(link, input);
        var (exitCode, _, stderr) = CliRunner.Run(input, "-o", link, "--force-new-segment");
        exitCode.ShouldBe(1);
        stderr.Trim().ShouldBe($"rewriter: error: {link}: output: cannot write the output over the input");
        File.ReadAllBytes(input).ShouldBe(before);
    }

    [Fact]
    public void Output_naming_the_input_through_a_hard_link_is_refused()
    {
        string input = CopyOfInput("hardlinked");
        byte[] before = File.ReadAllBytes(input);
        string link = TestPrograms.TempPath("hardlink");
        TestPrograms.Run("ln", $"{input} {link}");
        CliRunner.Run(input, "-o", link).ExitCode.ShouldBe(1);
        File.ReadAllBytes(input).ShouldBe(before);
    }

    [Fact]
    public void Output_naming_the_input_through_proc_self_fd_is_refused()
    {
        string input = CopyOfInput("fd");
        byte[] before = File.ReadAllBytes(input);
        using var open = File.OpenRead(input);
        string path = $"/proc/self/fd/{open.SafeFileHandle.DangerousGetHandle()}";
        var (exitCode, _, stderr) = CliRunner.Run(input, "-o", path);
        exitCode.ShouldBe(1);
        stderr.ShouldContain("cannot write the output over the input");
        File.ReadAllBytes(input).ShouldBe(before);
    }

    [Theory]
    [InlineData("/dev/null", "a character device")]
    [InlineData("fifo", "a FIFO")]
    public void Output_that_is_not_a_regular_file_is_refused(string target, string kind)
    {
        string output = target;
        if (target == "fifo")
        {
            output = TestPrograms.TempPath("fifo-out");
            TestPrograms.Run("mkfifo", output);
        }
        var (exitCode, _, stderr) = CliRunner.Run(TestPrograms.Hello(), "-o", output);
        exitCode.ShouldBe(1);
        stderr.Trim().ShouldBe($"rewriter: error: {output}: output: cannot write: it is {kind} (only a regular file or a new name)");
        // Still what it was: not replaced by a regular file.
        Rewriter.Elf.Reading.FileStatus.Of(output).Kind.ShouldBe(target == "fifo" ? Rewriter.Elf.Reading.FileKind.Fifo : Rewriter.Elf.Reading.FileKind.CharacterDevice);
    }

    [Fact]
    public async Task Input_that_is_a_fifo_is_refused_without_waiting()
    {
        string fifo = TestPrograms.TempPath("fifo-in");
        TestPrograms.Run("mkfifo", fifo);
        var watch = Stopwatch.StartNew();
        var run = Task.Run(() => CliRunner.Run(fifo, "-o", TestPrograms.TempPath("fifo-result")));
        (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20)))).ShouldBe(run, "the rewriter waited on a FIFO");
        var (exitCode, _, stderr) = await run;
        exitCode.ShouldBe(1);
        stderr.Trim().ShouldBe($"rewriter: error: {fifo}: input: is a FIFO, not a regular file");
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(20));
    }
}
