/* A caller frame whose variables live in a call-clobbered register up to a call: gcc ends such a
   location at the call's return address - 1, the address a caller frame's locations are looked up
   at, so gdb shows the variable as optimized out in that frame (the register holds something else
   by then). A rewrite that moves the call must keep that bound inside it. Here main's argc lives
   at *%rdi (the struct passed to consume) until the call. */
#include <stdio.h>

struct args {
    int argc;
    int flags;
    char **argv;
    const char *name;
};

__attribute__((noinline)) int consume(struct args *a)
{
    __asm__ volatile("" ::: "memory");
    printf("%s %d\n", a->name, a->argc);
    return a->argc - 1;
}

int main(int argc, char **argv)
{
    struct args a = {argc, 0, argv, "prog"};
    return consume(&a);
}
