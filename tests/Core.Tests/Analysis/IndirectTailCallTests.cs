using Rewriter.Analysis;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;
using Rewriter.Tests.Support;

namespace Rewriter.Tests.Analysis;

/// <summary>
/// Indirect jumps that leave the function (tail calls through loaded pointers) keep it simple;
/// a jump to an address computed inside the function does not.
/// </summary>
public class IndirectTailCallTests
{
    private const string Source = """
        __asm__(
            ".text\n"
            /* The pointer is loaded before a branch; both arms jump through it. */
            ".globl branchy_tail\n.type branchy_tail,@function\nbranchy_tail:\n.cfi_startproc\n"
            "  movq (%rdx), %r8\n  cmpl $5, %eax\n  jne 1f\n  xorl %eax, %eax\n  jmpq *%r8\n"
            "1:\n  movl $1, %eax\n  jmpq *%r8\n.cfi_endproc\n.size branchy_tail, .-branchy_tail\n"
            /* A fixed slot of a table: the index register holds a constant. */
            ".globl slot_tail\n.type slot_tail,@function\nslot_tail:\n.cfi_startproc\n"
            "  movl $0x40, %ecx\n  movq 8(%rdi), %rdx\n  jmpq *(%rdx,%rcx)\n.cfi_endproc\n.size slot_tail, .-slot_tail\n"
            /* An address computed from a label of the function itself. */
            ".globl computed_jump\n.type computed_jump,@function\ncomputed_jump:\n.cfi_startproc\n"
            "  leaq 2f(%rip), %rax\n  testl %edi, %edi\n  je 1f\n  addq $3, %rax\n1:\n  jmpq *%rax\n"
            "2:\n  ret\n  nop\n  nop\n  ret\n.cfi_endproc\n.size computed_jump, .-computed_jump\n");
        int main(void) { return 0; }
        """;

    [Fact]
    public void Tail_calls_through_loaded_pointers_are_recognized_and_computed_jumps_are_not()
    {
        string program = TestPrograms.Build("indirect-tail-calls", Source, "clang-22", "-O2");
        using var elf = ElfFile.Open(program);
        var context = BinaryAnalysis.Run(elf, 1, Log.Silent);
        BinaryFunctionNamed("branchy_tail").IsSimple.ShouldBeTrue(BinaryFunctionNamed("branchy_tail").NonSimpleReason);
        BinaryFunctionNamed("slot_tail").IsSimple.ShouldBeTrue(BinaryFunctionNamed("slot_tail").NonSimpleReason);
        var computed = BinaryFunctionNamed("computed_jump");
        computed.IsSimple.ShouldBeFalse();
        computed.NonSimpleReason.ShouldNotBeNull().ShouldStartWith("unknown indirect jump");

        Model.BinaryFunction BinaryFunctionNamed(string name) => context.Functions.Single(f => f.Name == name);
    }
}
