using System.Text.RegularExpressions;
using Rewriter.Analysis;
using Rewriter.Diagnostics;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;
using Rewriter.Model;
using Rewriter.Tests.Support;
using Xunit.Abstractions;

namespace Rewriter.Tests.Analysis;

/// <summary>
/// The CFG agrees with an independent disassembler: for programs compiled at test time (C and
/// C++, -O0/-O2/-O3, clang and gcc, PIE and non-PIE), every direct branch that llvm-objdump shows
/// from a simple function into itself lands on a block start, every block starts where objdump
/// sees an instruction, the switch got a jump table whose targets are block starts, and every
/// landing pad of the LSDA is a block start flagged as a landing pad.
/// Plus: at least 98% of the functions of clang -O2 programs are simple, and every other one says why.
/// </summary>
public partial class CfgAgreementTests(ITestOutputHelper output)
{
    public const string SwitchC = """
        #include <stdio.h>
        #include <stdlib.h>
        volatile int sink[16];
        __attribute__((noinline)) int dispatch(int x) {
            switch (x) {
            case 0: sink[0] += 3; break;
            case 1: sink[1] ^= 0x5a; break;
            case 2: puts("two"); break;
            case 3: sink[3] -= sink[9]; break;
            case 4: sink[4] = sink[5] * 3; break;
            case 5: sink[5] += sink[6] << 2; break;
            case 6: sink[6] = sink[7] - 1; break;
            case 7: sink[7] += 17; break;
            case 8: sink[8] = sink[2] + sink[1]; break;
            default: sink[15]++; break;
            }
            return sink[x & 15];
        }
        __attribute__((noinline)) int loops(int n) {
            int total = 0;
            for (int i = 0; i < n; i++) {
                if (i % 7 == 3) continue;
                for (int j = i; j < n; j += 3) {
                    if (sink[j & 15] == 12345) goto out;
                    total += j ^ i;
                }
            }
        out:
            while (total > 1000) total -= n;
            return total;
        }
        int main(int argc, char **argv) {
            int total = loops(argc * 20);
            for (int i = 0; i < 40; i++) total += dispatch(i % 11);
            printf("%d\n", total);
            return 0;
        }
        """;

    public const string ExceptionsCpp = """
        #include <cstdio>
        #include <stdexcept>
        #include <string>
        #include <vector>
        struct Noisy { int id; ~Noisy() { std::printf("~%d\n", id); } };
        __attribute__((noinline)) void may_throw(int x) {
            if (x == 1) throw std::runtime_error("one");
            if (x == 2) throw 42;
            if (x == 3) throw std::string("three");
        }
        __attribute__((noinline)) int two_tries(int x) {
            int r = 0;
            try { may_throw(x); r += 1; } catch (const std::runtime_error &e) { r += 10; }
            try { may_throw(x + 1); r += 2; } catch (int v) { r += v; }
            return r;
        }
        __attribute__((noinline)) int with_destructors(int x) {
            Noisy a{x};
            std::vector<int> v(x + 1, x);
            Noisy b{x + 100};
            may_throw(x);
            return (int)v.size();
        }
        __attribute__((noinline)) int select(int x) {
            switch (x) {
            case 0: return with_destructors(0) + 1;
            case 1: std::puts("one"); return 7;
            case 2: return two_tries(2) * 3;
            case 3: std::puts("three"); return 9;
            case 4: return two_tries(0) - 4;
            case 5: return with_destructors(1) ^ 5;
            case 6: std::puts("six"); return 2;
            case 7: return x * x;
            default: return -1;
            }
        }
        int main(int argc, char **) {
            int total = 0;
            for (int i = 0; i < 4; i++) {
                try { total += with_destructors(i); } catch (...) { total += 100; }
                total += two_tries(i);
            }
            for (int i = 0; i < 9; i++)
                try { total += select(i + argc - 1); } catch (const std::exception &e) { total += 1000; } catch (...) { total += 2000; }
            std::printf("%d\n", total);
            return 0;
        }
        """;

    public static TheoryData<string, string, string> Configurations()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (c, cxx) in new[] { ("clang-22", "clang++-22"), ("gcc", "g++") })
            foreach (var level in new[] { "-O0", "-O2", "-O3" })
                foreach (var pie in new[] { "", " -fno-pie -no-pie" })
                {
                    data.Add("c", c, level + pie);
                    // g++ -O2 moves landing pads into `f.cold` fragments, and functions split by
                    // the compiler are kept whole (non-simple): keep them in one piece so that
                    // the landing pads are checked.
                    string split = cxx == "g++" && level != "-O0" ? " -fno-reorder-blocks-and-partition" : "";
                    data.Add("c++", cxx, level + pie + split);
                }
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Cfg_agrees_with_objdump(string language, string compiler, string flags)
    {
        string path = language == "c"
            ? TestPrograms.Build("cfg-switch", SwitchC, compiler, flags + " -g")
            : TestPrograms.Build("cfg-exceptions", ExceptionsCpp, compiler, flags + " -g");
        using var elf = ElfFile.Open(path);
        var context = BinaryAnalysis.Run(elf, 2, Log.Silent);
        var disassembly = Objdump(path);

        int simple = 0, branches = 0;
        foreach (var function in context.Functions.Where(f => f.Kind != FunctionKind.Plt))
        {
            if (!function.IsSimple)
            {
                function.NonSimpleReason.ShouldNotBeNullOrWhiteSpace(function.Name);
                continue;
            }
            var body = function.Body.ShouldNotBeNull(function.Name);
            body.Blocks.ShouldNotBeEmpty(function.Name);
            simple++;
            var starts = body.Blocks.Select(b => b.Address).ToHashSet();
            foreach (var block in body.Blocks)
                disassembly.Instructions.ShouldContain(block.Address, $"{function.Name}: block {block.Index} at 0x{block.Address:x} is not an instruction start for objdump");
            foreach (var (from, to) in disassembly.Branches)
            {
                if (!function.Contains(from) || !function.Contains(to))
                    continue;
                branches++;
                starts.ShouldContain(to, $"{function.Name}: objdump's branch at 0x{from:x} to 0x{to:x} does not go to a block start");
            }
            foreach (var table in body.JumpTables)
                foreach (var target in table.Targets)
                    starts.ShouldContain(target, $"{function.Name}: jump table 0x{table.Address:x} target 0x{target:x} is not a block start");
        }
        output.WriteLine($"{language} {compiler} {flags}: {simple} simple functions, {branches} local branches checked");
        simple.ShouldBeGreaterThan(3);
        branches.ShouldBeGreaterThan(10);

        // The switch becomes a jump table: clang and gcc both emit one for 8+ dense cases.
        string switchFunction = language == "c" ? "dispatch" : "_Z6selecti";
        var dispatcher = context.Functions.Single(f => f.Name == switchFunction);
        dispatcher.IsSimple.ShouldBeTrue($"{switchFunction}: {dispatcher.NonSimpleReason}");
        var tables = dispatcher.Body!.JumpTables;
        tables.ShouldNotBeEmpty($"{switchFunction} has no jump table");
        var blockStarts = dispatcher.Body.Blocks.Select(b => b.Address).ToHashSet();
        tables.Max(t => t.Targets.Distinct().Count()).ShouldBeGreaterThanOrEqualTo(language == "c" ? 9 : 8);
        foreach (var table in tables)
        {
            table.Targets.ShouldAllBe(t => blockStarts.Contains(t));
            // The jump that uses the table is an indirect jump per objdump too.
            ulong jump = dispatcher.Body.Instructions[table.JumpInstruction].IP;
            disassembly.IndirectJumps.ShouldContain(jump, $"0x{jump:x} is not an indirect jmp for objdump");
        }

        if (language == "c++")
            CheckLandingPads(elf, context);
    }

    /// <summary>
    /// clang-22 -O2 -g, lld, --emit-relocs: a synthetic C++ and C program (tools/corpus synth,
    /// 6 units x 25 functions, seed 3) and the test programs of tests/programs. Over all of them
    /// at least 98% of the (non-PLT) functions are simple; each non-simple one has a reason.
    /// </summary>
    [Fact]
    public void Most_functions_of_clang_O2_programs_are_simple()
    {
        string root = RepositoryRoot();
        string work = TestPrograms.TempPath("simple-share");
        Directory.CreateDirectory(work);
        const string flags = "-O2 -g -fuse-ld=lld -Wl,--emit-relocs";
        var programs = new List<string>();
        foreach (var (language, compiler, extension) in new[] { ("c++", "clang++-22", ".cc"), ("c", "clang-22", ".c") })
        {
            string dir = Path.Combine(work, "synth-" + language.Replace('+', 'x'));
            TestPrograms.Run(Path.Combine(root, "tools", "corpus"),
                $"synth --out {dir} --units 6 --functions-per-unit 25 --lang {language} --seed 3");
            var sources = Directory.GetFiles(dir, "*" + extension).Order(StringComparer.Ordinal).ToList();
            sources.Count.ShouldBe(7); // 6 units + main
            string program = Path.Combine(dir, "prog");
            TestPrograms.Run(compiler, $"{flags} {string.Join(' ', sources)} -o {program}");
            programs.Add(program);
        }
        foreach (var (source, compiler, extra) in new[]
        {
            ("hello.c", "clang-22", ""), ("algo.c", "clang-22", ""), ("threads.c", "clang-22", " -pthread"),
            ("exceptions.cpp", "clang++-22", ""), ("oop.cpp", "clang++-22", ""),
        })
        {
            string program = Path.Combine(work, Path.GetFileNameWithoutExtension(source));
            TestPrograms.Run(compiler, $"{flags}{extra} {Path.Combine(root, "tests", "programs", source)} -o {program}");
            programs.Add(program);
        }

        int total = 0, simple = 0;
        var nonSimple = new List<string>();
        foreach (var program in programs)
        {
            using var elf = ElfFile.Open(program);
            var context = BinaryAnalysis.Run(elf, 2, Log.Silent);
            foreach (var function in context.Functions.Where(f => f.Kind != FunctionKind.Plt))
            {
                total++;
                if (function.IsSimple)
                {
                    simple++;
                    continue;
                }
                function.NonSimpleReason.ShouldNotBeNullOrWhiteSpace($"{Path.GetFileName(program)}: {function.Name}");
                nonSimple.Add($"{Path.GetRelativePath(work, program)}: {function.Name}: {function.NonSimpleReason}");
            }
        }
        double share = 100.0 * simple / total;
        output.WriteLine($"{simple} of {total} functions simple ({share:F2}%)");
        foreach (var line in nonSimple)
            output.WriteLine("  non-simple " + line);
        total.ShouldBeGreaterThan(400);
        share.ShouldBeGreaterThanOrEqualTo(98.0, $"{simple} of {total} simple; non-simple:\n{string.Join("\n", nonSimple)}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rewriter.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Rewriter.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every landing pad named by an LSDA (read here, independently) starts a block flagged IsLandingPad.</summary>
    private void CheckLandingPads(ElfFile elf, BinaryContext context)
    {
        var frame = EhFrameReader.Read(elf).ShouldNotBeNull();
        int pads = 0;
        foreach (var fde in frame.Fdes.Where(f => f.Lsda.HasValue))
        {
            var function = context.FunctionContaining(fde.PcBegin).ShouldNotBeNull($"no function at FDE 0x{fde.PcBegin:x}");
            if (!function.IsSimple)
                continue;
            var body = function.Body!;
            var lsda = LsdaReader.Read(elf, fde);
            foreach (var site in lsda.CallSites)
            {
                if (site.LandingPad is not ulong pad)
                    continue;
                int index = body.BlockContaining(pad);
                index.ShouldBeGreaterThanOrEqualTo(0, $"{function.Name}: landing pad 0x{pad:x} is in no block");
                body.Blocks[index].Address.ShouldBe(pad, $"{function.Name}: landing pad 0x{pad:x} does not start a block");
                body.Blocks[index].IsLandingPad.ShouldBeTrue($"{function.Name}: block at 0x{pad:x} is not flagged as a landing pad");
                // Some block with a call in the call-site range unwinds to it.
                body.Blocks.Any(b => b.LandingPads.Contains(index)).ShouldBeTrue($"{function.Name}: no block unwinds to 0x{pad:x}");
                pads++;
            }
        }
        output.WriteLine($"{pads} landing pads checked");
        pads.ShouldBeGreaterThanOrEqualTo(4);
    }

    public sealed record Disassembly(HashSet<ulong> Instructions, List<(ulong From, ulong To)> Branches, HashSet<ulong> IndirectJumps);

    [GeneratedRegex(@"^\s*([0-9a-f]+):\s+(\S+)(?:\s+(.*))?$")]
    private static partial Regex InstructionLine();

    [GeneratedRegex(@"^0x([0-9a-f]+) <")]
    private static partial Regex DirectTarget();

    /// <summary>`llvm-objdump-22 -d`: instruction starts, direct jumps (j.. ADDR &lt;sym+off&gt;) and indirect jumps.</summary>
    public static Disassembly Objdump(string path)
    {
        var (_, text, _) = TestPrograms.Run("llvm-objdump-22", $"-d --no-show-raw-insn {path}");
        var instructions = new HashSet<ulong>();
        var branches = new List<(ulong, ulong)>();
        var indirect = new HashSet<ulong>();
        foreach (var line in text.Split('\n'))
        {
            var match = InstructionLine().Match(line);
            if (!match.Success)
                continue;
            ulong address = Convert.ToUInt64(match.Groups[1].Value, 16);
            string mnemonic = match.Groups[2].Value;
            string operands = match.Groups[3].Value;
            if (mnemonic is "notrack" or "bnd" or "rep" or "lock" && operands.Length > 0)
            {
                int space = operands.IndexOfAny([' ', '\t']);
                mnemonic = space > 0 ? operands[..space] : operands;
                operands = space > 0 ? operands[(space + 1)..].Trim() : "";
            }
            instructions.Add(address);
            if (!mnemonic.StartsWith('j'))
                continue;
            if (operands.StartsWith('*'))
                indirect.Add(address);
            else if (DirectTarget().Match(operands) is { Success: true } target)
                branches.Add((address, Convert.ToUInt64(target.Groups[1].Value, 16)));
        }
        instructions.Count.ShouldBeGreaterThan(100);
        return new Disassembly(instructions, branches, indirect);
    }
}
