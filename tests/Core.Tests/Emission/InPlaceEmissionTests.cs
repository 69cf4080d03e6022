using Rewriter.Analysis;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;
using Rewriter.Elf.Writing;
using Rewriter.Emission;
using Rewriter.Model;
using Rewriter.Tests.Support;

namespace Rewriter.Tests.Emission;

/// <summary>
/// Non-relocation mode: programs linked without --emit-relocs keep every function at its address;
/// functions are re-encoded in place (cold blocks to .text.cold) and must still behave exactly
/// like the original, exceptions included.
/// </summary>
public class InPlaceEmissionTests
{
    /// <summary>
    /// Only the entry block stays hot, so every function fits in place; with clang the switch's
    /// jump-table targets go to the cold fragment and the table must be patched (gcc makes a
    /// table of values instead).
    /// </summary>
    [Theory]
    [InlineData("clang-22", "-O2 -fuse-ld=lld", true)]
    [InlineData("gcc", "-O2 -no-pie -fno-pic", false)]
    public void Split_and_reversed_blocks_rewritten_in_place_behave_like_the_original(string compiler, string flags, bool jumpTableSplit) =>
        RewriteInPlaceAndCompare("inplace-switch", EmissionTests.SwitchProgram, compiler, flags, handlersSplit: false, jumpTableSplit);

    /// <summary>
    /// With clang the throwing functions are rewritten and split; g++ -O2 gives them compiler-split
    /// `.cold` parts, which leave them untouched (non-simple), so there only the rest is rewritten.
    /// </summary>
    [Theory]
    [InlineData("clang++-22", "-O2 -fuse-ld=lld", true)]
    [InlineData("g++", "-O2 -no-pie", false)]
    public void Exceptions_unwind_through_functions_rewritten_in_place_and_split(string compiler, string flags, bool handlersSplit) =>
        RewriteInPlaceAndCompare("inplace-exceptions", EmissionTests.ExceptionProgram, compiler, flags, handlersSplit, jumpTableSplit: false);

    /// <summary>
    /// A branch from another function into the middle of <c>f</c>, and a pointer in data to the
    /// middle of <c>h</c>: neither may be rewritten in place (their inner addresses must not change),
    /// while <c>g</c>, entered only at its entry, may.
    /// </summary>
    [Fact]
    public void Functions_entered_in_the_middle_are_left_untouched()
    {
        const string source = """
            __asm__(".text\n"
                ".globl f\n.type f,@function\nf:\n  testl %edi, %edi\n  je 1f\n  movl $1, %eax\n  ret\n.Lf_inner:\n1:\n  movl $2, %eax\n  ret\n.size f, .-f\n"
                ".globl g\n.type g,@function\ng:\n  testl %edi, %edi\n  jne .Lf_inner\n  movl $3, %eax\n  ret\n.size g, .-g\n"
                ".globl h\n.type h,@function\nh:\n  testl %edi, %edi\n  je 2f\n  movl $4, %eax\n  ret\n.Lh_inner:\n2:\n  movl $5, %eax\n  ret\n.size h, .-h\n"
                ".data\n.balign 8\n.globl h_inner_pointer\nh_inner_pointer:\n  .quad .Lh_inner\n.text\n");
            int f(int), g(int), h(int);
            int main(int argc, char **argv) { (void)argv; return f(argc) + g(argc) + h(argc); }
            """;
        string input = TestPrograms.Build("inplace-entries", source, "gcc", "-O2 -no-pie -fno-pic");
        using var elf = ElfFile.Open(input);
        var context = BinaryAnalysis.Run(elf, 2, Log.Silent);
        context.HasRelocations.ShouldBeFalse();
        var layout = new BinaryLayout(context);
        BinaryFunction Named(string name) => context.Functions.Single(function => function.Name == name);
        var candidates = new[] { Named("f"), Named("g"), Named("h") };
        candidates.ShouldAllBe(function => function.IsSimple);

        var refusals = InPlaceEligibility.Refusals(context, layout, candidates);

        refusals.Keys.ShouldBe([Named("f").Id, Named("h").Id], ignoreOrder: true);
        refusals[Named("f").Id].ShouldContain("in g refers to");
        refusals[Named("h").Id].ShouldContain("a word in .data");
    }

    /// <summary>
    /// A position-independent program holds a code address in data only where a dynamic
    /// relocation puts one: a relocated pointer to the middle of <c>h</c> keeps it untouched, while
    /// a constant in .rodata whose value happens to be an address inside <c>g</c> (gcc's tables
    /// of constants often are, .text starting near 0) does not concern <c>g</c>. In a fixed-address
    /// program the same constant could be a pointer, so there it keeps <c>g</c> untouched.
    /// </summary>
    [Theory]
    [InlineData("-O2 -fpie -pie", "a dynamic relocation", false)]
    [InlineData("-O2 -fno-pie -no-pie", "a word in .data.rel.ro", true)]
    public void A_data_constant_names_code_only_where_a_pointer_needs_no_relocation(string flags, string hReason, bool gRefused)
    {
        const string source = """
            #define STR2(x) #x
            #define STR(x) STR2(x)
            __asm__(".text\n"
                ".globl g\n.type g,@function\ng:\n  testl %edi, %edi\n  je 1f\n  movl $1, %eax\n  ret\n1:\n  movl $2, %eax\n  ret\n.size g, .-g\n"
                ".globl h\n.type h,@function\nh:\n  testl %edi, %edi\n  je 2f\n  movl $4, %eax\n  ret\n.Lh_inner:\n2:\n  movl $5, %eax\n  ret\n.size h, .-h\n"
                ".section .data.rel.ro,\"aw\"\n.balign 8\n.globl h_inner_pointer\nh_inner_pointer:\n  .quad .Lh_inner\n"
                ".section .rodata\n.balign 8\n.globl constant\nconstant:\n  .quad " STR(CONSTANT) "\n.text\n");
            int g(int), h(int);
            int main(int argc, char **argv) { (void)argv; return g(argc) + h(argc); }
            """;
        // Built once to learn where g lies, then with the constant naming its fourth byte; nothing else moves.
        string probe = TestPrograms.Build("inplace-constant", source, "gcc", $"{flags} -DCONSTANT=0");
        ulong gAddress;
        using (var elf = ElfFile.Open(probe))
            gAddress = BinaryAnalysis.Run(elf, 2, Log.Silent).Functions.Single(function => function.Name == "g").Address;
        string input = TestPrograms.Build("inplace-constant", source, "gcc", $"{flags} -DCONSTANT=0x{gAddress + 4:x}");
        using var program = ElfFile.Open(input);
        var context = BinaryAnalysis.Run(program, 2, Log.Silent);
        context.HasRelocations.ShouldBeFalse();
        BinaryFunction Named(string name) => context.Functions.Single(function => function.Name == name);
        Named("g").Address.ShouldBe(gAddress);

        var refusals = InPlaceEligibility.Refusals(context, new BinaryLayout(context), [Named("g"), Named("h")]);

        refusals[Named("h").Id].ShouldContain(hReason);
        refusals.ContainsKey(Named("g").Id).ShouldBe(gRefused);
        if (gRefused)
            refusals[Named("g").Id].ShouldContain("a word in .rodata");
    }

    private static void RewriteInPlaceAndCompare(string name, string source, string compiler, string flags, bool handlersSplit, bool jumpTableSplit)
    {
        string input = TestPrograms.Build(name, source, compiler, flags);
        string output = TestPrograms.TempPath(name + "-in-place");
        using (var elf = ElfFile.Open(input))
        {
            var context = BinaryAnalysis.Run(elf, 2, Log.Silent);
            context.HasRelocations.ShouldBeFalse();
            var layout = new BinaryLayout(context);
            foreach (var function in layout.Functions)
            {
                var body = context.Functions[function.Function.Value].Body!;
                var reversed = new[] { 0 }.Concat(Enumerable.Range(1, function.BlockOrder.Length - 1).Reverse()).ToArray();
                // Every block but the entry and the landing pads to the cold fragment; hot ones first.
                foreach (int block in reversed.Skip(1))
                    function.IsCold[block] = !body.Blocks[block].IsLandingPad;
                function.BlockOrder = [.. reversed.Where(b => !function.IsCold[b]), .. reversed.Where(b => function.IsCold[b])];
            }
            var rewrite = CodeRewrite.Build(context, layout, new EmissionOptions(), keepDebugSections: false, Log.Silent);

            var code = rewrite.Code;
            code.MovedFunctions.ShouldNotBeEmpty();
            if (jumpTableSplit) // its jump table now names the cold fragment
                code.MovedFunctions.ShouldContain(function => function.Body!.JumpTables.Count > 0 && code.Functions[function.Id].IsSplit);
            code.Text.ShouldBeEmpty();
            rewrite.Request.NewEntry.ShouldBeNull();
            rewrite.Request.NewSections.ShouldNotContain(section => section.Name == ".text");
            foreach (var function in code.MovedFunctions)
            {
                var placed = code.Functions[function.Id];
                placed.HotStart.ShouldBe(function.Address);
                placed.HotSize.ShouldBeLessThanOrEqualTo(function.Size);
                code.Relocate(function.Address).ShouldBe(function.Address);
            }
            rewrite.Request.NewSections.ShouldContain(section => section.Name == ".text.cold");
            if (handlersSplit)
                code.MovedFunctions.ShouldContain(function => function.Lsda != null && code.Functions[function.Id].IsSplit);
            using var file = File.Create(output);
            new ElfWriter(elf, rewrite.Request).Write(file);
        }
        File.SetUnixFileMode(output, File.GetUnixFileMode(input));
        foreach (var arguments in new[] { "", "5000", "77" })
            TestPrograms.Run(output, arguments, check: false).ShouldBe(TestPrograms.Run(input, arguments, check: false));
        TestPrograms.Run("llvm-readelf-22", $"-a {output}").Stderr.ShouldBeEmpty();
    }
}
