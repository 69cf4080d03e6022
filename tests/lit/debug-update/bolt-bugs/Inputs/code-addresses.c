/* Code addresses inside DWARF expressions: a call site passing a function's address
 * (DW_AT_call_value: DW_OP_addr of code) and a local function pointer that holds different
 * functions over parts of its life (a location list whose entries say DW_OP_addr f,
 * DW_OP_stack_value). Prints a checksum so layouts can be compared. */
#include <stdio.h>
#include <stdlib.h>

static volatile int noise;

__attribute__((noipa)) static int twice(int x) { return 2 * x + (noise & 1); }
__attribute__((noipa)) static int thrice(int x) { return 3 * x - (noise & 1); }
__attribute__((noipa)) static int apply(int (*f)(int), int v) { return f(v) + f(v + 1); }
__attribute__((noipa)) static void observe(int v) { noise += v & 3; }

__attribute__((noipa)) static int pick(int n) {
  int (*op)(int) = twice;       /* a constant function address for a while ... */
  int sum = apply(op, n);       /* ... passed at a call site */
  observe(sum);
  op = thrice;                  /* another one later */
  sum += apply(op, n + 1);
  observe(sum);
  if (n & 1) {
    op = twice;
    sum += op(n);
  }
  return sum;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 100;
  long total = 0;
  for (int r = 0; r < rounds; r++)
    total += pick(r) + apply(thrice, r);
  printf("checksum %ld %d\n", total, noise);
  return 0;
}
