/* Constructs whose debug information llvm-bolt gets wrong when it moves code (see
 * shared/REFERENCE.md §4): inlined calls (DW_AT_entry_pc), call sites passing addresses
 * (DW_OP_addr inside DW_AT_call_value, of data and of a function), a call to a noreturn function as a function's last
 * instruction (call_return_pc == the caller's high_pc), variables living in several registers
 * (location lists with views), pointers to optimised-out locals (DW_OP_implicit_pointer) and
 * narrowed values (DW_OP_convert naming a base type). Prints a checksum so layouts can be compared. */
#include <stdio.h>
#include <stdlib.h>

int table[64];
static int counter;
static int limit = 3;

__attribute__((noinline)) static void sink(int *p, int n) { counter += p[0] + n; }

__attribute__((noinline, noreturn)) static void give_up(const char *why) {
  printf("giving up: %s\n", why);
  exit(counter & 0x7f);
}

static inline int square(int x) { return x * x; }

static inline int clamp(int v, int lo, int hi) {
  if (v < lo) return lo;
  if (v > hi) return hi;
  return v;
}

__attribute__((noinline)) static int twice(int x) { return 2 * x + (counter & 1); }

__attribute__((noinline)) static int apply(int (*f)(int), int v) { return f(v) + f(v + 1); }

__attribute__((noinline)) static int mixer(int a, int b) {
  int local = a * 3;
  int *p = &local;            /* an implicit pointer once local lives in a register */
  unsigned char narrow = (unsigned char)(a + b);
  for (int i = 0; i < b; i++) {
    local += square(i) + clamp(a - i, -5, 5) + narrow;
    if ((local & 7) == 3)
      sink(table, i);         /* a call site passing the address of a global */
  }
  return *p + narrow;
}

__attribute__((noinline)) static void must_stay_small(int v) {
  if (v > 1000000)
    give_up("too large");     /* a noreturn call ends the function */
  counter += v;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 200;
  for (int i = 0; i < 64; i++)
    table[i] = i * 7;
  long sum = 0;
  for (int r = 0; r < rounds; r++) {
    sum += mixer(r % 17, (r % limit) + 5);
    sum += apply(twice, r);   /* a call site passing a function's address: DW_OP_addr of code */
    must_stay_small((int)(sum & 0xffff));
  }
  printf("checksum %ld %d\n", sum, counter);
  return 0;
}
