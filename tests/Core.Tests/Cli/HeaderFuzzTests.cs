using Rewriter.Tests.Support;
using static Rewriter.Tests.Support.ElfMutation;

namespace Rewriter.Tests.Cli;

/// <summary>
/// Truncates and bit-flips the headers of a real binary 1,000 times: every run must end with
/// success or a clean error (exit 1), never an internal error, never a hang.
/// </summary>
public class HeaderFuzzTests
{
    [Fact]
    public async Task Thousand_corrupted_headers_never_crash_or_hang()
    {
        byte[] original = File.ReadAllBytes(TestPrograms.Hello("-O2 -g -no-pie -Wl,--emit-relocs"));
        var random = new Random(20261121);
        string input = TestPrograms.TempPath("fuzz-in");
        string output = TestPrograms.TempPath("fuzz-out");
        var internalErrors = new List<string>();

        int tableStart = (int)SectionHeaderOffset(original);
        int programTableEnd = ProgramHeader(original, ProgramHeaderCount(original));
        for (int iteration = 0; iteration < 1000; iteration++)
        {
            byte[] image = Mutate(original, random, tableStart, programTableEnd);
            File.WriteAllBytes(input, image);
            var run = Task.Run(() => CliRunner.Run(input, "-o", output));
            var finished = await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20)));
            if (finished != run)
            {
                string kept = input + $".hang-{iteration}";
                File.Copy(input, kept, overwrite: true);
                throw new TimeoutException($"iteration {iteration} hung; its input is kept at {kept}");
            }
            var (exitCode, _, stderr) = await run;
            if (exitCode != 0 && exitCode != 1)
                internalErrors.Add($"iteration {iteration}: {stderr}");
            if (exitCode == 1)
            {
                stderr.ShouldStartWith($"rewriter: error: {input}: ");
                File.Exists(output).ShouldBeFalse();
            }
            File.Delete(output);
        }
        internalErrors.ShouldBeEmpty();
    }

    /// <summary>One of: truncate anywhere, flip bits in the ELF header, the program headers or the section headers.</summary>
    private static byte[] Mutate(byte[] original, Random random, int sectionTable, int programTableEnd)
    {
        byte[] image = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                return image[..random.Next(image.Length)];
            case 1:
                FlipBits(image, random, 0, 64);
                break;
            case 2:
                FlipBits(image, random, 64, programTableEnd);
                break;
            default:
                FlipBits(image, random, sectionTable, image.Length);
                break;
        }
        return image;
    }

    private static void FlipBits(byte[] image, Random random, int start, int end)
    {
        int flips = 1 + random.Next(4);
        for (int i = 0; i < flips; i++)
            image[random.Next(start, end)] ^= (byte)(1 << random.Next(8));
    }
}
