using Rewriter.Elf.Reading;
using Rewriter.Tests.Support;

namespace Rewriter.Tests.Cli;

/// <summary>
/// Drives the whole rewrite — identity, reversed blocks, and a profile-guided layout with
/// splitting — over structure-aware mutations (<see cref="StructuredElfMutator"/>) of a C++
/// program with exceptions, linked with --emit-relocs: every run ends in success or the one-line
/// error with exit code 1, never an internal error or a hang; a failure leaves no output and no
/// temporary file; the input is never written. RW_MUTATIONS sets the count (tools/fuzz-rewrite
/// runs many more than CI's 2,100).
/// </summary>
public class WholeRewriteMutationTests
{
    internal const string Program = """
        #include <cstdio>
        #include <stdexcept>
        #include <vector>
        __attribute__((noinline)) int check(int x) {
            if (x % 7 == 3) throw std::runtime_error("seven");
            return x * 2;
        }
        __attribute__((noinline)) int sum(const std::vector<int> &v) {
            int total = 0;
            for (int x : v) {
                try { total += check(x); } catch (const std::exception &) { total -= 1; }
            }
            return total;
        }
        int main(int argc, char **) {
            std::vector<int> v;
            for (int i = 0; i < 20 * argc; i++) v.push_back(i);
            switch (argc) { case 1: std::puts("one"); break; case 2: std::puts("two"); break; case 3: std::puts("three"); break; default: break; }
            std::printf("%d\n", sum(v));
            return 0;
        }
        """;

    [Fact]
    public async Task Mutated_inputs_never_crash_hang_or_leave_files()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("RW_MUTATIONS"), out int n) ? n : 2100;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("RW_MUTATION_SEED"), out int s) ? s : 20261201;
        string program = TestPrograms.Build("mutated", Program, "clang++-22", "-O2 -g -Wl,--emit-relocs");
        string profile = EntryProfile(program);
        var mutator = new StructuredElfMutator(program);
        var random = new Random(seed);
        string directory = Path.Combine(Path.GetTempPath(), $"rewriter-mutations-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        string input = Path.Combine(directory, "input"), output = Path.Combine(directory, "output");
        string[][] modes =
        [
            [],
            ["--reorder-blocks=reverse", "--thread-count=1"],
            ["--data", profile, "--reorder-blocks=ext-tsp", "--split-functions", "--split-eh", "--reorder-functions=exec-count", "--thread-count=1"],
        ];
        var problems = new List<string>();
        int succeeded = 0, refused = 0;
        for (int iteration = 0; iteration < count && problems.Count < 40; iteration++)
        {
            var (image, description) = mutator.Mutate(random);
            File.WriteAllBytes(input, image);
            var mode = modes[iteration % modes.Length];
            var run = Task.Run(() => CliRunner.Run([input, "-o", output, .. mode]));
            if (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(30))) != run)
            {
                File.Copy(input, input + $".hang-{iteration}", overwrite: true);
                throw new TimeoutException($"iteration {iteration} ({description}; {string.Join(' ', mode)}) hung; input kept at {input}.hang-{iteration}");
            }
            var (exitCode, _, stderr) = await run;
            string what = $"iteration {iteration} ({description}; {string.Join(' ', mode)})";
            if (exitCode == 0)
                succeeded++;
            else if (exitCode == 1 && IsOneErrorLine(stderr))
            {
                refused++;
                if (File.Exists(output))
                    problems.Add($"{what}: failed but left {output}");
            }
            else
            {
                string kept = Path.Combine(Path.GetTempPath(), $"rewriter-mutation-{seed}-{iteration}");
                File.Copy(input, kept, overwrite: true);
                problems.Add($"{what}: exit {exitCode}: {stderr.Split('\n').FirstOrDefault(l => l.StartsWith("rewriter: error:")) ?? stderr} (input kept at {kept})");
            }
            if (!File.ReadAllBytes(input).AsSpan().SequenceEqual(image))
                problems.Add($"{what}: the input was modified");
            if (Directory.GetFiles(directory, ".output*").Length > 0)
                problems.Add($"{what}: a temporary file was left behind");
            File.Delete(output);
        }
        Directory.Delete(directory, recursive: true);
        problems.ShouldBeEmpty();
        // Both outcomes must occur: mutations that change nothing observable and ones that are refused.
        succeeded.ShouldBeGreaterThan(count / 20);
        refused.ShouldBeGreaterThan(count / 20);
    }

    /// <summary>One `rewriter: error:` line, last; only warnings (content carried over, code moved) may come before it.</summary>
    private static bool IsOneErrorLine(string stderr)
    {
        var lines = stderr.TrimEnd('\n').Split('\n');
        return lines[^1].StartsWith("rewriter: error: ") && lines[..^1].All(l => l.StartsWith("RW-WARNING: "));
    }

    /// <summary>A no_lbr profile with samples at every function's entry only.</summary>
    private static string EntryProfile(string program)
    {
        using var elf = ElfFile.Open(program);
        var symbols = SymbolTable.Find(elf, ".symtab").ShouldNotBeNull();
        var lines = new List<string> { "no_lbr cycles" };
        for (int i = 1; i < symbols.Count; i++)
            if (symbols[i].Type == Rewriter.Elf.SymbolType.Func && symbols[i].IsDefined && symbols[i].Size > 0)
                lines.Add($"1 {symbols.GetName(symbols[i])} 0 100");
        string path = program + ".fdata";
        File.WriteAllLines(path, lines);
        return path;
    }
}
