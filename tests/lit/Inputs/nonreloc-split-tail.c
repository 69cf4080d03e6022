/* Non-relocation mode: a function whose only change is moving its never-run tail to the cold
 * fragment (tests/lit/layout/nonreloc-split-short-branch.test). The tail is 5 bytes; the short jg
 * into it grows to a 6-byte jg rel32 (4 bytes more), so splitting shrinks the hot part by one
 * byte. Written in assembly so that the compiler cannot change these sizes. */
#include <stdio.h>

__asm__(".text\n"
        ".p2align 4\n"
        ".globl clamp_or_fail\n.type clamp_or_fail,@function\n"
        "clamp_or_fail:\n"
        "  cmpl $100, %edi\n"        /* 3 bytes */
        "  jg 1f\n"                  /* 2 bytes: offset 3, the fall-through at 5 */
        "  leal 7(%rdi,%rdi,2), %eax\n"
        "  ret\n"
        "1:\n"                       /* never run while profiling: 5 bytes */
        "  xorl %eax, %eax\n"
        "  decl %eax\n"
        "  ret\n"
        ".size clamp_or_fail, .-clamp_or_fail\n");

int clamp_or_fail(int);

int main(int argc, char **argv) {
    (void)argv;
    long sum = 0;
    for (int i = 0; i < 1000; i++)
        sum += clamp_or_fail(i % 50);
    /* The cold tail runs here, in the rewritten program. */
    printf("%ld %d\n", sum, clamp_or_fail(argc + 200));
    return 0;
}
