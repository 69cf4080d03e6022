/* Code whose lines belong to another file than the unit's (as bison's output does with #line):
   tests/lit/pipeline/binutils-readers.test renumbers the assembler's files so that file 1 is not
   the unit's file 0. */
int f(int x);
int g(int x);
#line 1 "other.y"
int main(int argc, char **argv) { (void)argv; return (f(argc + 4) + g(argc)) & 0x7f; }
#line 10 "line-directives.c"
__attribute__((noinline)) int g(int x) { return x * 7 + 1; }
#line 5 "other.y"
__attribute__((noinline)) int f(int x) { int r = 0; for (int i = 0; i < x; i++) { if (i % 3) r += i; else r ^= i; } return r; }
