using Rewriter.Analysis;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;
using Rewriter.Elf.Writing;
using Rewriter.Emission;
using Rewriter.Model;
using Rewriter.Tests.Support;

namespace Rewriter.Tests.Emission;

/// <summary>
/// Emission on its own: every simple function re-encoded with its blocks in reverse order (entry
/// first) must still behave exactly like the original.
/// </summary>
public class EmissionTests
{
    public const string SwitchProgram = """
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        static int classify(int c) {
            switch (c % 9) {
            case 0: return c * 3; case 1: return c + 7; case 2: return c ^ 5; case 3: return c - 11;
            case 4: return c * c; case 5: return c / 3; case 6: return c << 2; case 7: return ~c; default: return 42;
            }
        }
        static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
        int (*volatile pick)(int) = classify;
        int main(int argc, char **argv) {
            int n = argc > 1 ? atoi(argv[1]) : 1000, data[64];
            long total = 0;
            for (int i = 0; i < n; i++) {
                total += pick(i);
                if (i % 7 == 3) total -= i; else if (i % 5 == 1) total += 2 * i;
            }
            for (int i = 0; i < 64; i++) data[i] = (int)((total * (i + 1)) % 1000);
            qsort(data, 64, sizeof data[0], cmp);
            printf("%ld %d %d\n", total, data[0], data[63]);
            return (int)(total & 3);
        }
        """;

    public const string ExceptionProgram = """
        #include <cstdio>
        #include <stdexcept>
        #include <string>
        #include <vector>
        struct Guard { const char *name; ~Guard() { std::printf("unwind %s\n", name); } };
        static int depth(int n) {
            Guard g{"depth"};
            if (n == 0) throw std::runtime_error("bottom");
            if (n % 3 == 0) { try { return depth(n - 1) + 1; } catch (const std::logic_error &) { return -1; } }
            return depth(n - 1) + 2;
        }
        static int maybe(int x) {
            try {
                if (x % 4 == 0) throw std::logic_error("four");
                if (x % 4 == 1) return depth(x % 7);
                return x;
            } catch (const std::logic_error &e) { std::printf("logic %s\n", e.what()); return 100; }
            catch (...) { std::printf("other\n"); throw; }
        }
        int main(int argc, char **) {
            long total = 0;
            std::vector<std::string> log;
            for (int i = 0; i < 12 + argc; i++) {
                try { total += maybe(i); }
                catch (const std::exception &e) { log.push_back(e.what()); total -= 3; }
            }
            std::printf("%ld %zu\n", total, log.size());
            return 0;
        }
        """;

    [Theory]
    [InlineData("clang++-22", "-O2 -fuse-ld=lld -Wl,--emit-relocs")]
    [InlineData("clang++-22", "-O0 -no-pie -Wl,--emit-relocs")]
    [InlineData("g++", "-O2 -Wl,--emit-relocs")]
    public void Exceptions_unwind_through_reversed_code(string compiler, string flags) =>
        RewriteReversedAndCompare("exceptions", ExceptionProgram, compiler, flags);

    [Theory]
    [InlineData("clang-22", "-O2 -fuse-ld=lld -Wl,--emit-relocs")]
    [InlineData("clang-22", "-O0 -no-pie -Wl,--emit-relocs")]
    [InlineData("gcc", "-O2 -Wl,--emit-relocs")]
    [InlineData("gcc", "-O2 -no-pie -fno-pic -Wl,--emit-relocs")]
    public void Reversed_blocks_behave_like_the_original(string compiler, string flags) =>
        RewriteReversedAndCompare("switch", SwitchProgram, compiler, flags);

    /// <summary>
    /// Compact alignment (llvm-bolt's default): a function is padded to 64 only when the padding is
    /// at most 32 bytes and at most its own size, else it starts right where the previous one
    /// ends; without it, the fallback is a 16-byte boundary. Both outputs behave like the input.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Function_starts_follow_the_alignment_rule(bool compact)
    {
        string input = TestPrograms.Build("switch", SwitchProgram, "gcc", "-O2 -Wl,--emit-relocs");
        string output = TestPrograms.TempPath(compact ? "compact" : "aligned");
        using (var elf = ElfFile.Open(input))
        {
            var context = BinaryAnalysis.Run(elf, 2, Log.Silent);
            var layout = new BinaryLayout(context);
            foreach (var function in layout.Functions)
                function.BlockOrder = [0, .. Enumerable.Range(1, function.BlockOrder.Length - 1).Reverse()];
            var rewrite = CodeRewrite.Build(context, layout, new EmissionOptions(CompactAlignment: compact), keepDebugSections: false, Log.Silent);
            var placed = rewrite.Code.Functions.Values.OrderBy(f => f.HotStart).ToList();
            placed.Count.ShouldBeGreaterThan(3);
            for (int i = 1; i < placed.Count; i++)
            {
                ulong start = placed[i].HotStart, gap = start - (placed[i - 1].HotStart + placed[i - 1].HotSize);
                if (compact)
                    (start % 64 == 0 ? gap <= Math.Min(32, placed[i].HotSize) : gap == 0).ShouldBeTrue($"start 0x{start:x}, gap {gap}, size {placed[i].HotSize}");
                else
                    (start % 16 == 0 && (start % 64 == 0 ? gap <= 32 : gap < 16)).ShouldBeTrue($"start 0x{start:x}, gap {gap}");
            }
            using var file = File.Create(output);
            new ElfWriter(elf, rewrite.Request).Write(file);
        }
        File.SetUnixFileMode(output, File.GetUnixFileMode(input));
        TestPrograms.Run(output, "5000", check: false).ShouldBe(TestPrograms.Run(input, "5000", check: false));
    }

    private static void RewriteReversedAndCompare(string name, string source, string compiler, string flags)
    {
        string input = TestPrograms.Build(name, source, compiler, flags);
        string output = TestPrograms.TempPath("reversed");
        using (var elf = ElfFile.Open(input))
        {
            var context = BinaryAnalysis.Run(elf, 2, Log.Silent);
            var layout = new BinaryLayout(context);
            foreach (var function in layout.Functions)
                function.BlockOrder = [0, .. Enumerable.Range(1, function.BlockOrder.Length - 1).Reverse()];
            var rewrite = CodeRewrite.Build(context, layout, new EmissionOptions(), keepDebugSections: false, Log.Silent);
            rewrite.Code.MovedFunctions.ShouldNotBeEmpty();
            using var file = File.Create(output);
            new ElfWriter(elf, rewrite.Request).Write(file);
        }
        File.SetUnixFileMode(output, File.GetUnixFileMode(input));
        foreach (var arguments in new[] { "", "5000", "77" })
            TestPrograms.Run(output, arguments, check: false).ShouldBe(TestPrograms.Run(input, arguments, check: false));
        TestPrograms.Run("llvm-readelf-22", $"-a {output}").Stderr.ShouldBeEmpty();
    }
}
