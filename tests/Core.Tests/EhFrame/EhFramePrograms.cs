using System.Text.RegularExpressions;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Tests.Support;

namespace Rewriter.Tests.EhFrame;

/// <summary>C and C++ programs whose unwind tables exercise many CFI and LSDA shapes.</summary>
public static class EhFramePrograms
{
    /// <summary>Frame pointers, many callee-saved registers, early returns, VLAs and over-aligned locals.</summary>
    public const string FramesC = """
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        __attribute__((noinline)) int many_registers(int *v, int n) {
            int a = 0, b = 1, c = 2, d = 3, e = 4, f = 5;
            for (int i = 0; i < n; i++) {
                a += v[i] * b; b ^= a + c; c += d * v[i]; d -= e; e += f * a; f ^= i;
                if (a == 12345) return printf("%d\n", a + b + c + d + e + f);
            }
            if (n > 100) return a;
            return a + b + c + d + e + f + printf("%d %d\n", a, b);
        }
        __attribute__((noinline)) int variable_length(int n) {
            int values[n];
            for (int i = 0; i < n; i++) values[i] = i * n;
            return many_registers(values, n);
        }
        __attribute__((noinline)) int over_aligned(int n) {
            _Alignas(64) int block[32];
            int dynamic[n];
            memset(block, n, sizeof block);
            for (int i = 0; i < n; i++) dynamic[i] = block[i % 32];
            return many_registers(dynamic, n) + many_registers(block, 32);
        }
        int main(int argc, char **argv) {
            int n = argc + 5;
            if (argc > 3) return variable_length(n);
            return over_aligned(n) + (int)strlen(argv[0]);
        }
        """;

    /// <summary>try/catch, rethrow, destructors, several landing pads, catch(...), exception specs.</summary>
    public const string ExceptionsCpp = """
        #include <cstdio>
        #include <stdexcept>
        #include <string>
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
            Noisy a{1};
            may_throw(x);
            Noisy b{2};
            may_throw(x + 1);
            return a.id + b.id;
        }
        __attribute__((noinline)) int rethrows(int x) {
            try { may_throw(x); }
            catch (...) { std::puts("rethrowing"); throw; }
            return 0;
        }
        __attribute__((noinline)) int many_handlers(int x) {
            try { return with_destructors(x) + rethrows(x + 1); }
            catch (const std::runtime_error &e) { return 1; }
            catch (int v) { return v; }
            catch (const std::string &s) { return (int)s.size(); }
            catch (...) { return -1; }
        }
        __attribute__((noinline)) long nine(long a, long b, long c, long d, long e, long f, long g, long h, long i) {
            may_throw((int)(a + i));
            return a + b + c + d + e + f + g + h + i;
        }
        // Arguments pushed on the stack around a throwing call: DW_CFA_GNU_args_size at -Os.
        __attribute__((noinline)) long stack_arguments(long x) {
            try { return nine(x, 1, 2, 3, 4, 5, 6, 7, 8) + nine(x, 1, 2, 3, 4, 5, 6, 7, 9); }
            catch (...) { return -1; }
        }
        __attribute__((noinline)) void only_ints(int x) throw(int) { may_throw(x); }
        __attribute__((noinline)) void nothing(int x) throw() { may_throw(x); }
        __attribute__((noinline)) int no_except(int x) noexcept { Noisy n{x}; may_throw(x == 7 ? 1 : 0); return n.id; }
        int main(int argc, char **) {
            int total = 0;
            for (int i = 0; i < 4; i++) {
                total += two_tries(i) + many_handlers(i) + no_except(argc) + (int)stack_arguments(i);
                try { only_ints(i == 2 ? 2 : 0); } catch (int) { total += 100; }
            }
            nothing(0);
            std::printf("%d\n", total);
            return 0;
        }
        """;

    public static string BuildC(string compiler, string flags) => TestPrograms.Build("frames", FramesC, compiler, flags);

    /// <summary>C++14 keeps dynamic exception specifications (removed in C++17).</summary>
    public static string BuildCpp(string compiler, string flags) =>
        TestPrograms.Build("exceptions", ExceptionsCpp, compiler, $"-std=c++14 -Wno-deprecated -Wno-deprecated-dynamic-exception-spec {flags}");

    /// <summary>The row table llvm-dwarfdump-22 prints for each FDE, keyed by the FDE's section offset.</summary>
    public static Dictionary<int, List<(ulong Address, string State)>> DwarfdumpRows(string path)
    {
        string text = TestPrograms.Run("llvm-dwarfdump-22", $"--eh-frame {path}").Stdout;
        var result = new Dictionary<int, List<(ulong, string)>>();
        List<(ulong, string)>? current = null;
        foreach (string line in text.Split('\n'))
        {
            var fde = FdeHeader.Match(line);
            if (fde.Success)
            {
                current = [];
                result[Convert.ToInt32(fde.Groups[1].Value, 16)] = current;
                continue;
            }
            if (CieHeader.IsMatch(line))
            {
                current = null;
                continue;
            }
            var row = RowLine.Match(line);
            if (row.Success && current != null)
                current.Add((Convert.ToUInt64(row.Groups[1].Value, 16), NormalizeDwarfdumpState(row.Groups[2].Value)));
        }
        return result;
    }

    private static readonly Regex FdeHeader = new(@"^([0-9a-f]{8}) [0-9a-f]{8,16} [0-9a-f]{8,16} FDE cie=");
    private static readonly Regex CieHeader = new(@"^[0-9a-f]{8} [0-9a-f]{8,16} [0-9a-f]{8,16} CIE");
    private static readonly Regex RowLine = new(@"^\s+0x([0-9a-f]+): CFA=(.*)$");
    private static readonly Regex RuleSeparator = new(@", (?=[A-Za-z0-9_]+=)");

    /// <summary>Expressions are compared by kind only (dwarfdump disassembles them).</summary>
    private static string NormalizeDwarfdumpState(string state)
    {
        int colon = state.IndexOf(": ", StringComparison.Ordinal);
        string cfa = colon < 0 ? state : state[..colon];
        if (cfa.Contains("DW_OP"))
            cfa = "EXPR";
        if (colon < 0)
            return cfa;
        var rules = RuleSeparator.Split(state[(colon + 2)..]).Select(rule =>
        {
            int eq = rule.IndexOf('=');
            string value = rule[(eq + 1)..];
            value = value.StartsWith("[DW_OP", StringComparison.Ordinal) ? "[EXPR]" : value.StartsWith("DW_OP", StringComparison.Ordinal) ? "EXPR" : value;
            return $"{rule[..eq]}={value}";
        });
        return $"{cfa}: {string.Join(", ", rules)}";
    }

    /// <summary>Our state printed the way llvm-dwarfdump prints a row (args_size is not shown there).</summary>
    public static string Render(CfiState state)
    {
        string cfa = state.Cfa.Kind switch
        {
            CfaRuleKind.RegisterOffset => Name(state.Cfa.Register) + Signed(state.Cfa.Offset),
            CfaRuleKind.Expression => "EXPR",
            _ => "unset",
        };
        if (state.Rules.Length == 0)
            return cfa;
        var rules = new List<string>();
        foreach (var (register, rule) in state.Rules)
        {
            string value = rule.Kind switch
            {
                CfiRuleKind.Undefined => "undefined",
                CfiRuleKind.SameValue => "same",
                CfiRuleKind.Offset => $"[CFA{Signed(rule.Offset)}]",
                CfiRuleKind.ValOffset => $"CFA{Signed(rule.Offset)}",
                CfiRuleKind.Register => Name(rule.SourceRegister),
                CfiRuleKind.Expression => "[EXPR]",
                _ => "EXPR",
            };
            rules.Add($"{Name(register)}={value}");
        }
        return $"{cfa}: {string.Join(", ", rules)}";
    }

    private static string Name(uint register) => CfiRegisterNames.Name(register);
    private static string Signed(long offset) => offset == 0 ? "" : offset > 0 ? $"+{offset}" : $"{offset}";

    /// <summary>
    /// Rows as the unwinder sees them: later rows at the same address win, rows that repeat the
    /// previous state are dropped.
    /// </summary>
    public static List<(ulong Address, string State)> Canonical(IEnumerable<(ulong Address, string State)> rows)
    {
        var result = new List<(ulong Address, string State)>();
        foreach (var row in rows)
        {
            if (result.Count > 0 && result[^1].Address == row.Address)
                result.RemoveAt(result.Count - 1);
            if (result.Count > 0 && result[^1].State == row.State)
                continue;
            result.Add(row);
        }
        return result;
    }
}

/// <summary>Finds functions and their FDEs in a built program.</summary>
public static class ProgramFunctions
{
    /// <summary>
    /// The address of a C function or of a C++ function with this unqualified name (not of the
    /// <c>name.cold</c> part GCC splits off).
    /// </summary>
    public static ulong Address(Rewriter.Elf.Reading.ElfFile elf, string name)
    {
        var symbols = Rewriter.Elf.Reading.SymbolTable.Find(elf, ".symtab")!;
        string mangled = $"_Z{name.Length}{name}";
        var matches = Enumerable.Range(0, symbols.Count).Select(i => symbols[i])
            .Where(s => s.Value != 0 && symbols.GetName(s) is var n && (n == name || (n.StartsWith(mangled, StringComparison.Ordinal) && !n.Contains('.'))))
            .Select(s => s.Value).Distinct().ToList();
        return matches.ShouldHaveSingleItem();
    }

    public static Fde Fde(CallFrameTable frame, ulong address) => frame.Fdes.Single(f => f.PcBegin == address);
}
