/* The code of forms.s (clang-22 -O1 -gline-tables-only -gdwarf-5 -fno-inline -S); its debug
 * information is written by hand there. */
#include <stdio.h>
__attribute__((noinline)) static int one(int x) { if (x > 5) return x * 3; return x + 1; }
__attribute__((noinline)) static int two(int x) { if (x & 1) return x - 7; return x / 2; }
__attribute__((noinline)) static int three(int x) { if (x < 0) return -x; return x ^ 5; }
__attribute__((noinline)) static int four(int x) { if (x == 3) return 4; return x * x; }
int main(int argc, char **argv) {
  long s = 0;
  for (int i = 0; i < 40 + argc; i++) s += one(i) + two(i) + three(i) + four(i);
  printf("checksum %ld\n", s);
  return 0;
}
