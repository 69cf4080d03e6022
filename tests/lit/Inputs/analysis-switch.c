/* analysis-switch.c — a loop and a dense switch that compiles to a jump table,
 * for the --print-cfg and profile tests of tests/lit/analysis.
 * `helper` is static so that its profile name is `helper/1`.
 * Usage: analysis-switch [N]   (N loop iterations, default 1000). */
#include <stdio.h>
#include <stdlib.h>

volatile int sink[16];

static __attribute__((noinline)) int helper(int x) {
  sink[x & 15] += x;
  return sink[(x + 3) & 15];
}

__attribute__((noinline)) int classify(int x) {
  switch (x) {
  case 0: sink[0] += helper(x); break;
  case 1: sink[1] ^= 0x5a; break;
  case 2: puts("two"); break;
  case 3: sink[3] -= helper(x + 7); break;
  case 4: sink[4] = sink[5] * 3; break;
  case 5: sink[5] += sink[6] << 2; break;
  case 6: sink[6] = helper(sink[7]); break;
  case 7: sink[7] += 17; break;
  default: return -1;
  }
  return sink[x];
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  int total = 0;
  for (int i = 0; i < n; i++)
    total += classify(i % 9);
  printf("total %d\n", total);
  return 0;
}
