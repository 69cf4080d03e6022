/* dispatch.c — an interpreter loop with computed goto (labels as values): the indirect jumps
 * have no jump table the analysis can see, so `run` is non-simple and is moved whole. It also
 * calls through a function-pointer table and back into simple functions, so references in both
 * directions are exercised. Deterministic output. */
#include <stdio.h>
#include <stdlib.h>

enum { PUSH, ADD, MUL, CALL, JNZ, HALT };
struct op { int code, arg; };

__attribute__((noinline)) static long square(long x) { return x * x; }
__attribute__((noinline)) static long twice(long x) { return 2 * x; }
static long (*const helpers[])(long) = { square, twice };

__attribute__((noinline)) long run(const struct op *program, long counter) {
    static void *const dispatch[] = { &&push, &&add, &&mul, &&call, &&jnz, &&halt };
    long stack[64];
    int sp = 0;
    const struct op *pc = program;
#define NEXT goto *dispatch[(pc++)->code]
    NEXT;
push:
    stack[sp++] = pc[-1].arg;
    NEXT;
add:
    sp--;
    stack[sp - 1] += stack[sp];
    NEXT;
mul:
    sp--;
    stack[sp - 1] *= stack[sp];
    NEXT;
call:
    stack[sp - 1] = helpers[pc[-1].arg](stack[sp - 1]) % 1000003;
    NEXT;
jnz:
    if (--counter > 0)
        pc = program + pc[-1].arg;
    NEXT;
halt:
    return stack[sp - 1];
#undef NEXT
}

int main(int argc, char **argv) {
    const struct op program[] = {
        { PUSH, 3 }, { PUSH, 4 }, { ADD, 0 }, { CALL, 0 }, { PUSH, 7 }, { MUL, 0 },
        { CALL, 1 }, { JNZ, 1 }, { HALT, 0 },
    };
    long rounds = argc > 1 ? atol(argv[1]) : 1000;
    for (int i = 1; i <= 5; i++)
        printf("run(%ld) = %ld\n", rounds * i, run(program, rounds * i));
    return 0;
}
