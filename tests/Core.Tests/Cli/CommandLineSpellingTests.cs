using Rewriter.Tests.Support;

namespace Rewriter.Tests.Cli;

/// <summary>
/// llvm-bolt's spellings of our options all mean the same thing, and every command-line mistake
/// is one `rewriter: error: FILE: command line: what` line with exit code 1 and no output.
/// </summary>
public class CommandLineSpellingTests
{
    private static string Input => TestPrograms.Hello("-O2 -g -Wl,--emit-relocs");

    /// <summary>Every spelling of the same request gives the same bytes.</summary>
    [Theory]
    [InlineData("--reorder-blocks=reverse", "--split-functions", "--thread-count=1")]
    [InlineData("-reorder-blocks=reverse", "-split-functions", "-thread-count=1")]
    [InlineData("-reorder-blocks", "reverse", "-split-functions=1", "-thread-count", "1")]
    [InlineData("--reorder-blocks", "reverse", "--split-functions=true", "--thread-count", "1", "-v", "1")]
    [InlineData("-reorder-blocks=reverse", "-split-functions=TRUE", "-thread-count=1", "-v=2", "-lite=0", "-dyno-stats=0")]
    [InlineData("-reorder-blocks=reverse", "-split-functions", "-thread-count=1", "-use-compact-aligner")]
    [InlineData("--reorder-blocks=reverse", "--split-functions", "--thread-count=1", "--use-compact-aligner=true")]
    public void Llvm_spellings_give_the_same_output(params string[] options)
    {
        string reference = TestPrograms.TempPath("spelled-reference");
        CliRunner.Run(Input, "-o", reference, "--reorder-blocks=reverse", "--split-functions", "--thread-count=1").ExitCode.ShouldBe(0);
        string output = TestPrograms.TempPath("spelled");
        var (exitCode, _, stderr) = CliRunner.Run([Input, "-o=" + output, .. options]);
        exitCode.ShouldBe(0, stderr);
        File.ReadAllBytes(output).ShouldBe(File.ReadAllBytes(reference));
    }

    [Theory]
    [InlineData("-v")]
    [InlineData("--verbose")]
    [InlineData("-v=1")]
    [InlineData("-verbose=3")]
    public void Verbose_takes_an_optional_level(string option)
    {
        var (exitCode, _, stderr) = CliRunner.Run(Input, "-o", TestPrograms.TempPath("verbose"), option);
        exitCode.ShouldBe(0);
        stderr.ShouldContain("RW-INFO: build-id ");
    }

    [Fact]
    public void Verbose_level_zero_prints_nothing()
    {
        var (exitCode, _, stderr) = CliRunner.Run(Input, "-o", TestPrograms.TempPath("quiet"), "-v=0");
        exitCode.ShouldBe(0);
        stderr.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("unknown option '-bogus'", "-bogus")]
    [InlineData("unknown option '--no-such-option'", "--no-such-option")]
    [InlineData("-data given more than once", "-data=a.fdata", "-data=b.fdata")]
    [InlineData("--data given more than once", "--data", "a.fdata", "--data", "b.fdata")]
    [InlineData("-b given more than once", "--data", "a.fdata", "-b", "b.fdata")]
    [InlineData("--print-after: no pass named 'bogus'", "--print-after", "bogus")]
    [InlineData("--align-functions needs a power of two, not 3", "--align-functions", "3")]
    [InlineData("--align-functions needs a whole number of at least 1, not '0'", "--align-functions", "0")]
    [InlineData("--thread-count needs a whole number of at least 1, not 'x'", "-thread-count=x")]
    [InlineData("-split-functions takes 0 or 1, not 'yes'", "-split-functions=yes")]
    [InlineData("--reorder-blocks: unknown algorithm 'fast'", "-reorder-blocks=fast")]
    [InlineData("-icf=1 is not supported: identical code folding is not implemented", "-icf=1")]
    [InlineData("-instrument is not supported", "-instrument")]
    [InlineData("-thread-count needs a value", "-thread-count")]
    public void Mistakes_are_one_line(string expected, params string[] options)
    {
        string output = TestPrograms.TempPath("mistake");
        var (exitCode, stdout, stderr) = CliRunner.Run([Input, "-o", output, .. options]);
        exitCode.ShouldBe(1);
        stdout.ShouldBeEmpty();
        stderr.ShouldStartWith($"rewriter: error: {Input}: command line: {expected}");
        stderr.TrimEnd('\n').ShouldNotContain('\n');
        File.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public void An_empty_output_name_is_a_mistake()
    {
        var (exitCode, _, stderr) = CliRunner.Run(Input, "-o", "");
        exitCode.ShouldBe(1);
        stderr.Trim().ShouldBe($"rewriter: error: {Input}: command line: -o needs a value, not an empty string");
    }

    [Fact]
    public void Harmless_llvm_bolt_options_warn_once_each()
    {
        string output = TestPrograms.TempPath("harmless");
        var (exitCode, _, stderr) = CliRunner.Run(Input, "-o", output, "-use-gnu-stack", "-icf=0", "-peepholes=none");
        exitCode.ShouldBe(0);
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe([
            "RW-WARNING: -use-gnu-stack is ignored: the program-header table keeps its place, so the new segment needs no borrowed PT_GNU_STACK entry (and the stack stays non-executable)",
            "RW-WARNING: -icf=0 is ignored: identical code folding is not implemented",
            "RW-WARNING: -peepholes=none is ignored: peephole optimizations are not implemented",
        ]);
    }
}
